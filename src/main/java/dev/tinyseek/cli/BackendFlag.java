package dev.tinyseek.cli;

import dev.tinyseek.backend.Backends;

import java.util.Arrays;

/// The global `--backend NAME` flag (also `--backend=NAME`), given before the command:
/// `tinyseek --backend blas train ...`. It picks the GEMM every linear layer uses for the whole
/// run (`java`, the default; `naive`; `blas` for OpenBLAS; `cuda` for cuBLAS), the same as
/// `Backends.use(NAME)` in the API.
///
/// After the command name the flag belongs to the command (`tinyseek bench --backend java,blas`
/// compares backends); only leading global flags are read here.
final class BackendFlag {

    private BackendFlag() {
    }

    /// Applies a leading `--backend` flag and returns the arguments without it. An unknown name
    /// is a usage error naming the valid ones; a backend whose library or device is missing throws
    /// the backend's own message (which file, how to get it).
    static String[] apply(String[] args) {
        if (args.length == 0) {
            return args;
        }
        String name;
        int used;
        if (args[0].equals("--backend")) {
            if (args.length < 2 || args[1].startsWith("-")) {
                throw new Args.UsageException("--backend needs a name: " + String.join(", ", Backends.NAMES)
                        + " (e.g. 'tinyseek --backend blas train')");
            }
            name = args[1];
            used = 2;
        } else if (args[0].startsWith("--backend=")) {
            name = args[0].substring("--backend=".length());
            used = 1;
        } else {
            return args;
        }
        if (!Backends.NAMES.contains(name)) {
            throw new Args.UsageException("unknown backend '" + name + "' for --backend; valid: " + String.join(", ", Backends.NAMES));
        }
        Backends.use(name);
        return Arrays.copyOfRange(args, used, args.length);
    }
}
