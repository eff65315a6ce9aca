package dev.tinyseek.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/// Where the CUDA libraries are on a machine: the CUDA runtime (`libcudart`), cuBLAS (`libcublas`)
/// and cuBLASLt (`libcublasLt`) of CUDA 13 or 12, found by their versioned names (`.so.13`,
/// `.so.12`) in the places they are installed:
/// 1. the folders of `LD_LIBRARY_PATH`, in order;
/// 2. `CUDA_HOME` (or `CUDA_PATH`): its `lib64`, `lib` and `targets/<arch>/lib`;
/// 3. the loader cache (`ldconfig -p`: the system's library folders);
/// 4. `/usr/local/cuda`, then `/usr/local/cuda-<version>` newest first;
/// 5. the `nvidia/<package>/lib` folders of NVIDIA's Python wheels (`nvidia-cublas-cu12`,
///    `nvidia-cuda-runtime-cu12`, CUDA 13's `nvidia/cu13/lib`) in the `site-packages` or
///    `dist-packages` of a virtual environment, a conda prefix, `~/.local`, `/usr/local`, `/usr`
///    and `/opt/conda`.
///
/// [#search] depends only on a [Machine] (the environment variables, the loader cache's entries
/// and a file-system root) and the files in the folders it names, so a test can hand it a fake
/// tree in a temporary folder.
/// [#choose] then takes the three libraries of one CUDA major version (13 before 12), the first
/// file of each in the order above: mixing a CUDA 12 runtime with a CUDA 13 cuBLAS does not work.
/// Load them in [Library] order (runtime, cuBLASLt, cuBLAS): cuBLAS links to cuBLASLt by its
/// soname, and a library already loaded under that soname satisfies it.
public final class CudaLibraries {

    private CudaLibraries() {
    }

    /// The three libraries, in the order they are loaded.
    public enum Library {
        CUDART("libcudart"), CUBLAS_LT("libcublasLt"), CUBLAS("libcublas");

        /// The file name before `.so.<major>`.
        public final String stem;

        Library(String stem) {
            this.stem = stem;
        }

        /// `libcublas.so.12` for major 12.
        public String soname(int major) {
            return stem + ".so." + major;
        }
    }

    /// The CUDA major versions looked for, preferred first.
    public static final List<Integer> MAJORS = List.of(13, 12);

    /// What the search reads of a machine.
    ///
    /// @param ldLibraryPath the value of `LD_LIBRARY_PATH` (null or empty: none)
    /// @param cudaHome      `CUDA_HOME`, else `CUDA_PATH` (null: none)
    /// @param loaderCache   the files the loader cache lists (`ldconfig -p`'s `=> /path` column)
    /// @param root          the file-system root under which `/usr/local/cuda*` and the Python folders are looked for
    /// @param home          the user's home folder (null: none)
    /// @param pythonPrefixes `VIRTUAL_ENV` and `CONDA_PREFIX` where set
    public record Machine(String ldLibraryPath, String cudaHome, List<String> loaderCache, Path root, String home,
                          List<String> pythonPrefixes) {
    }

    /// The result of a search: for each library, the files found in search order, and every
    /// folder looked in (for the message when something is missing).
    public record Found(Map<Library, List<Path>> files, List<Path> folders) {

        /// The files found for `lib` (empty when none).
        public List<Path> of(Library lib) {
            return files.getOrDefault(lib, List.of());
        }

        /// One line for a user: which names were looked for and in which folders.
        public String describeSearch() {
            StringBuilder names = new StringBuilder();
            for (Library l : Library.values()) {
                names.append(names.isEmpty() ? "" : ", ").append(l.stem).append(".so.{13,12}");
            }
            List<String> fs = folders.stream().map(Path::toString).toList();
            return "looked for " + names + " in " + (fs.isEmpty() ? "no folder" : String.join(", ", fs))
                    + " and the loader cache";
        }
    }

    /// The files to load, all of one CUDA major version.
    public record Choice(int major, Path cudart, Path cublasLt, Path cublas) {
    }

    /// Every existing library file, in search order (see the class comment).
    public static Found search(Machine m) {
        Map<Library, LinkedHashSet<Path>> files = new LinkedHashMap<>();
        for (Library l : Library.values()) {
            files.put(l, new LinkedHashSet<>());
        }
        List<Path> fromEnvironment = environmentFolders(m), installed = installedFolders(m);
        scan(fromEnvironment, files);                     // 1, 2
        for (String entry : m.loaderCache()) {            // 3
            Path p = Path.of(entry);
            for (Library l : Library.values()) {
                for (int major : MAJORS) {
                    if (p.getFileName() != null && p.getFileName().toString().equals(l.soname(major)) && Files.exists(p)) {
                        files.get(l).add(p);
                    }
                }
            }
        }
        scan(installed, files);                           // 4, 5
        Map<Library, List<Path>> out = new LinkedHashMap<>();
        files.forEach((l, s) -> out.put(l, List.copyOf(s)));
        LinkedHashSet<Path> folders = new LinkedHashSet<>(fromEnvironment);
        folders.addAll(installed);
        return new Found(out, List.copyOf(folders));
    }

    private static void scan(List<Path> folders, Map<Library, LinkedHashSet<Path>> files) {
        for (Path dir : folders) {
            for (Library l : Library.values()) {
                for (int major : MAJORS) {
                    Path f = dir.resolve(l.soname(major));
                    if (Files.exists(f)) {
                        files.get(l).add(f);
                    }
                }
            }
        }
    }

    /// The three files of the first major version (13, then 12) for which all three were found.
    public static Optional<Choice> choose(Found found) {
        for (int major : MAJORS) {
            Path[] pick = new Path[Library.values().length];
            for (Library l : Library.values()) {
                String soname = l.soname(major);
                pick[l.ordinal()] = found.of(l).stream()
                        .filter(p -> p.getFileName().toString().equals(soname)).findFirst().orElse(null);
            }
            if (pick[0] != null && pick[1] != null && pick[2] != null) {
                return Optional.of(new Choice(major, pick[0], pick[1], pick[2]));
            }
        }
        return Optional.empty();
    }

    /// Steps 1 and 2: the folders that the environment names, in order.
    static List<Path> environmentFolders(Machine m) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        // 1. LD_LIBRARY_PATH
        if (m.ldLibraryPath() != null) {
            for (String d : m.ldLibraryPath().split(":")) {
                if (!d.isBlank()) {
                    out.add(Path.of(d));
                }
            }
        }
        // 2. CUDA_HOME
        if (m.cudaHome() != null && !m.cudaHome().isBlank()) {
            out.addAll(toolkitFolders(Path.of(m.cudaHome())));
        }
        return List.copyOf(out);
    }

    /// Steps 4 and 5: the toolkits under `/usr/local` and the Python wheels' folders, in order.
    static List<Path> installedFolders(Machine m) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        // 4. /usr/local/cuda, then /usr/local/cuda-<version>, newest first
        Path local = m.root().resolve("usr/local");
        out.addAll(toolkitFolders(local.resolve("cuda")));
        List<Path> versions = children(local, n -> n.startsWith("cuda-"));
        versions.sort(Comparator.comparing((Path p) -> versionKey(p.getFileName().toString().substring(5))).reversed());
        for (Path v : versions) {
            out.addAll(toolkitFolders(v));
        }
        // 5. the NVIDIA Python wheels
        List<Path> prefixes = new ArrayList<>();
        for (String p : m.pythonPrefixes()) {
            if (p != null && !p.isBlank()) {
                prefixes.add(Path.of(p));
            }
        }
        if (m.home() != null && !m.home().isBlank()) {
            prefixes.add(Path.of(m.home()).resolve(".local"));
        }
        prefixes.add(m.root().resolve("usr/local"));
        prefixes.add(m.root().resolve("usr"));
        prefixes.add(m.root().resolve("opt/conda"));
        for (Path prefix : prefixes) {
            List<Path> pythons = new ArrayList<>(children(prefix.resolve("lib"), n -> n.startsWith("python3")));
            pythons.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
            for (Path py : pythons) {
                for (String kind : new String[]{"site-packages", "dist-packages"}) {
                    Path nvidia = py.resolve(kind).resolve("nvidia");
                    List<Path> packages = children(nvidia, n -> true);
                    packages.sort(Comparator.comparing((Path p) -> p.getFileName().toString()));
                    for (Path pkg : packages) {
                        if (Files.isDirectory(pkg.resolve("lib"))) {
                            out.add(pkg.resolve("lib"));
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /// A toolkit's library folders: `lib64`, `lib`, and `targets/<arch>/lib`.
    private static List<Path> toolkitFolders(Path home) {
        List<Path> out = new ArrayList<>(List.of(home.resolve("lib64"), home.resolve("lib")));
        List<Path> targets = children(home.resolve("targets"), n -> true);
        targets.sort(Comparator.comparing((Path p) -> p.getFileName().toString()));
        for (Path t : targets) {
            out.add(t.resolve("lib"));
        }
        return out;
    }

    /// "12.4" → a sortable key (each part zero-padded), so 12.10 sorts after 12.9.
    private static String versionKey(String v) {
        StringBuilder sb = new StringBuilder();
        for (String part : v.split("\\.")) {
            sb.append(String.format("%08d.", part.matches("\\d{1,8}") ? Integer.parseInt(part) : 0));
        }
        return sb.toString();
    }

    private static List<Path> children(Path dir, java.util.function.Predicate<String> keep) {
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> keep.test(p.getFileName().toString())).toList());
        } catch (IOException | SecurityException e) {
            return new ArrayList<>();
        }
    }

    /// The files that `ldconfig -p` output lists: the path after `=>` on each line.
    public static List<String> parseLoaderCache(String ldconfigOutput) {
        List<String> out = new ArrayList<>();
        for (String line : ldconfigOutput.split("\n")) {
            int arrow = line.indexOf("=>");
            if (arrow >= 0) {
                String path = line.substring(arrow + 2).trim();
                if (!path.isEmpty()) {
                    out.add(path);
                }
            }
        }
        return out;
    }

    /// This machine: the environment, `ldconfig -p` (when it runs within five seconds), root `/`.
    public static Machine thisMachine() {
        Map<String, String> env = System.getenv();
        String cudaHome = env.getOrDefault("CUDA_HOME", env.get("CUDA_PATH"));
        List<String> prefixes = new ArrayList<>();
        for (String k : new String[]{"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            if (env.get(k) != null) {
                prefixes.add(env.get(k));
            }
        }
        return new Machine(env.get("LD_LIBRARY_PATH"), cudaHome, parseLoaderCache(ldconfig()), Path.of("/"),
                System.getProperty("user.home"), prefixes);
    }

    /// `ldconfig -p`'s output, or "" when no `ldconfig` runs here.
    private static String ldconfig() {
        for (String exe : new String[]{"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"}) {
            if (exe.startsWith("/") && !Files.isExecutable(Path.of(exe))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                byte[] out;
                try (InputStream in = p.getInputStream()) {
                    out = in.readAllBytes();
                }
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return new String(out, StandardCharsets.UTF_8);
                }
                p.destroy();
            } catch (IOException e) {
                // not here: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }
}
