package dev.tinyseek.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// One shared library opened through the Foreign Function & Memory API (`java.lang.foreign`), and
/// the downcall handles made from its symbols. The bindings ([OpenBlas], [CudaRuntime], [Cublas],
/// [CublasLt]) each hold one.
///
/// Libraries are looked up by their *versioned* file names (`libopenblas.so.0`,
/// `libcublas.so.12`): the unversioned `libfoo.so` link exists only when the `-dev` package is
/// installed. A name without a `/` goes to the system's loader (its usual search path, including
/// `LD_LIBRARY_PATH`); a name with one is opened as that file. The library stays loaded for the
/// life of the JVM (the global arena), as a loaded native library does anyway.
@SuppressWarnings("restricted") // FFM: loading libraries and making downcalls
final class NativeLibrary {

    /// The file that was opened, as it was asked for.
    final String file;
    private final SymbolLookup lookup;

    private NativeLibrary(String file, SymbolLookup lookup) {
        this.file = file;
        this.lookup = lookup;
    }

    /// Opens the first of `candidates` that loads, or throws a [BackendUnavailableException]
    /// naming `what`, every candidate tried, and `howToGet`.
    static NativeLibrary open(String what, List<String> candidates, String howToGet) {
        List<String> failures = new ArrayList<>();
        for (String c : candidates) {
            try {
                SymbolLookup l = c.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(c), Arena.global())
                        : SymbolLookup.libraryLookup(c, Arena.global());
                return new NativeLibrary(c, l);
            } catch (IllegalArgumentException | IllegalCallerException e) {
                failures.add(c);
            }
        }
        throw new BackendUnavailableException(what + " not found: tried " + String.join(", ", failures)
                + ". " + howToGet);
    }

    /// The address of `symbol`, or an exception naming the symbol and the library (an old version).
    MemorySegment symbol(String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new BackendUnavailableException(
                "symbol " + symbol + " not found in " + file + " (too old a version?)"));
    }

    /// Whether the library exports `symbol`.
    boolean has(String symbol) {
        return lookup.find(symbol).isPresent();
    }

    /// A downcall handle for `symbol` with the C signature `fd`.
    MethodHandle downcall(String symbol, FunctionDescriptor fd, Linker.Option... options) {
        return Linker.nativeLinker().downcallHandle(symbol(symbol), fd, options);
    }

    /// Candidate file names: the `-D` property's value alone when it is set (the user named the
    /// file, so no other is tried), else the given names in order.
    static List<String> candidates(String property, String... names) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return List.of(p.trim());
        }
        return List.of(names);
    }
}
