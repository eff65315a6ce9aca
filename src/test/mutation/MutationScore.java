import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/// The mutation score of each package from PIT's `mutations.xml`, with the mutants listed in
/// `equivalent-mutants.txt` left out, checked against the package's minimum in `thresholds.txt`.
///
/// Score = detected / (generated - equivalent), where detected counts what PIT counts as
/// detected (killed, timed out, memory or run error) and the rest (survived, no coverage) are
/// the suite's gaps.
///
/// An equivalent mutant is named without a line number, so that edits elsewhere in the file do
/// not move it:
///
///     dev.tinyseek.tensor.RmsNorm.forward MathMutator Replaced long multiplication with division @ `grainFor(d)` | reason
///
/// that is class.method, PIT's mutator and description, and a piece of the mutated source line
/// (whitespace is not significant). A lambda's method is written without javac's counter
/// (`lambda$forward`, not `lambda$forward$3`), since adding a lambda anywhere in the class renumbers
/// them. When the same mutator and description occur on several lines (or twice on one line) that
/// contain the piece, the entry is an error unless it ends with `#k` (the k-th of them in source
/// order) or `all N` (all of them, and there must be N). An entry that matches no mutant is an error too: the list is kept in step with the code,
/// never grown silently.
///
/// Run by `.ci/mutation`: `java src/test/mutation/MutationScore.java REPORTS_DIR PACKAGE...`;
/// `--config DIR` (where the two lists are; default src/test/mutation) and `--sources DIR` (the
/// main sources; default src/main/java) come first when given.
void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
}

/// The check itself: returns the exit status (0 pass, 1 below a floor or a bad list entry, 2 usage).
int run(String[] args, PrintStream out) throws Exception {
    Path config = Path.of("src/test/mutation");
    Path sources = Path.of("src/main/java");
    int a = 0;
    while (a + 1 < args.length && args[a].startsWith("--")) {
        switch (args[a]) {
            case "--config" -> config = Path.of(args[a + 1]);
            case "--sources" -> sources = Path.of(args[a + 1]);
            default -> {
                out.println("unknown option " + args[a] + "; valid: --config DIR, --sources DIR");
                return 2;
            }
        }
        a += 2;
    }
    if (args.length - a < 2) {
        out.println("usage: java MutationScore.java [--config DIR] [--sources DIR] REPORTS_DIR PACKAGE... (reports as written by .ci/mutation)");
        return 2;
    }
    Path reports = Path.of(args[a]);
    List<String> packages = List.of(args).subList(a + 1, args.length);
    List<Equivalent> equivalents = readEquivalents(config.resolve("equivalent-mutants.txt"));
    Map<String, Double> minimum = readThresholds(config.resolve("thresholds.txt"));
    boolean ok = true;

    // 1. Read every package's mutants, each with the text of its source line.
    Map<String, List<Mutant>> byPackage = new LinkedHashMap<>();
    Map<Path, List<String>> sourceCache = new HashMap<>();
    for (String pkg : packages) {
        Path xml = reports.resolve(pkg).resolve("mutations.xml");
        if (!Files.exists(xml)) {
            out.printf("%-10s no report at %s (did PIT run?)%n", pkg, xml);
            ok = false;
            continue;
        }
        List<Mutant> mutants = new ArrayList<>();
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList list = doc.getElementsByTagName("mutation");
        for (int i = 0; i < list.getLength(); i++) {
            Element m = (Element) list.item(i);
            String cls = text(m, "mutatedClass");
            int line = Integer.parseInt(text(m, "lineNumber"));
            String index = m.getElementsByTagName("index").getLength() > 0 ? text(m, "index") : "0";
            Path file = sources.resolve(cls.substring(0, cls.lastIndexOf('.')).replace('.', '/'))
                    .resolve(text(m, "sourceFile"));
            List<String> lines = sourceCache.computeIfAbsent(file, f -> {
                try {
                    return Files.exists(f) ? Files.readAllLines(f) : List.of();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            String source = line >= 1 && line <= lines.size() ? squeeze(lines.get(line - 1)) : "";
            mutants.add(new Mutant(cls, methodName(text(m, "mutatedMethod")), shortMutator(text(m, "mutator")),
                    text(m, "description"), line, Integer.parseInt(index), source,
                    Boolean.parseBoolean(m.getAttribute("detected")), m.getAttribute("status")));
        }
        mutants.sort(Comparator.comparingInt(Mutant::line).thenComparingInt(Mutant::index));
        byPackage.put(pkg, mutants);
    }

    // 2. Match each equivalent-list entry to exactly one mutant of a package that ran.
    Map<Mutant, Equivalent> claimed = new IdentityHashMap<>();
    for (Equivalent e : equivalents) {
        List<Mutant> mutants = byPackage.get(e.pkg());
        if (mutants == null) continue; // its package did not run (or has no report, reported above)
        List<Mutant> candidates = mutants.stream().filter(e::matches).toList();
        String problem = null;
        List<Mutant> chosen = List.of();
        if (candidates.isEmpty()) {
            problem = "stale entry (matches no mutant; fix or remove it)";
        } else if (e.all > 0) {
            if (candidates.size() != e.all) {
                problem = "stale entry (`all " + e.all + "` but it matches " + candidates.size() + " mutant(s), on lines "
                        + lines(candidates) + ")";
            } else {
                chosen = candidates;
            }
        } else if (e.occurrence == 0 && candidates.size() > 1) {
            problem = "ambiguous entry (matches " + candidates.size() + " mutants, on lines " + lines(candidates)
                    + "; make the piece of code longer, or end the entry with #k for the k-th of them or with `all "
                    + candidates.size() + "`)";
        } else if (e.occurrence > candidates.size()) {
            problem = "stale entry (#" + e.occurrence + " asked for, but it matches " + candidates.size()
                    + " mutant(s), on lines " + lines(candidates) + ")";
        } else {
            chosen = List.of(candidates.get(Math.max(e.occurrence, 1) - 1));
        }
        for (Mutant m : chosen) {
            Equivalent other = claimed.put(m, e);
            if (other != null) problem = "entry names the same mutant (line " + m.line() + ") as line "
                    + other.fileLine + " of the list";
        }
        if (problem != null) {
            out.println("equivalent-mutants.txt:" + e.fileLine + ": " + problem + ": " + e.key);
            ok = false;
        }
    }

    // 3. Score each package.
    out.printf("%-10s %9s %8s %9s %12s %11s %7s %8s%n",
            "package", "mutants", "killed", "survived", "no coverage", "equivalent", "score", "minimum");
    List<String> gaps = new ArrayList<>();
    for (var entry : byPackage.entrySet()) {
        String pkg = entry.getKey();
        int generated = 0, detected = 0, survived = 0, noCoverage = 0, equivalent = 0;
        for (Mutant m : entry.getValue()) {
            generated++;
            if (claimed.containsKey(m)) {
                equivalent++;
            } else if (m.detected()) {
                detected++;
            } else {
                if ("NO_COVERAGE".equals(m.status())) noCoverage++; else survived++;
                gaps.add(m.status() + " " + m.describe());
            }
        }
        int counted = generated - equivalent;
        double score = counted == 0 ? 100 : 100.0 * detected / counted;
        double min = minimum.getOrDefault(pkg, minimum.getOrDefault("*", 95.0));
        boolean pass = score >= min;
        ok &= pass;
        out.printf("%-10s %9d %8d %9d %12d %11d %6.1f%% %7.1f%% %s%n",
                pkg, generated, detected, survived, noCoverage, equivalent, score, min, pass ? "" : "BELOW");
    }
    if (!gaps.isEmpty()) {
        out.println("\nnot detected (" + gaps.size() + "), each as an equivalent-list entry would name it:");
        gaps.forEach(g -> out.println("  " + g));
    }
    if (!ok) {
        out.println("\nmutation score below the minimum (or a stale, ambiguous or missing entry) in at least one package");
        return 1;
    }
    return 0;
}

/// One mutant from PIT's report; `source` is its source line with whitespace squeezed.
record Mutant(String cls, String method, String mutator, String description, int line, int index,
              String source, boolean detected, String status) {
    String describe() {
        return cls + "." + method + " " + mutator + " " + description + " @ `" + source + "` (line " + line + ")";
    }
}

/// One entry of the equivalent list: `CLASS.METHOD MUTATOR DESCRIPTION @ `PIECE` [#k | all N] | reason`;
/// `occurrence` is k (0 when not given), `all` is N (0 when not given).
record Equivalent(String key, int fileLine, String cls, String method, String mutator, String description,
                  String piece, int occurrence, int all) {
    String pkg() {
        String p = "dev.tinyseek.";
        return cls.startsWith(p) && cls.indexOf('.', p.length()) > 0
                ? cls.substring(p.length(), cls.indexOf('.', p.length())) : "";
    }

    boolean matches(Mutant m) {
        return m.cls().equals(cls) && m.method().equals(method) && m.mutator().equals(mutator)
                && m.description().equals(description) && m.source().contains(piece);
    }
}

static String lines(List<Mutant> mutants) {
    return String.join(", ", mutants.stream().map(m -> String.valueOf(m.line())).toList());
}

/// `lambda$forward$3` -> `lambda$forward`: javac numbers lambdas through the whole class.
static String methodName(String method) {
    return method.startsWith("lambda$") ? method.replaceFirst("\\$\\d+$", "") : method;
}

static String squeeze(String s) {
    return s.strip().replaceAll("\\s+", " ");
}

static String shortMutator(String fqcn) {
    return fqcn.substring(fqcn.lastIndexOf('.') + 1);
}

static String text(Element m, String tag) {
    return m.getElementsByTagName(tag).item(0).getTextContent().trim();
}

/// Lines `KEY | reason`; `#` starts a comment line. Every entry must give a reason.
static List<Equivalent> readEquivalents(Path file) throws IOException {
    List<Equivalent> out = new ArrayList<>();
    if (!Files.exists(file)) return out;
    int n = 0;
    for (String line : Files.readAllLines(file)) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        String where = file + ":" + n + ": ";
        int bar = line.lastIndexOf(" | ");
        if (bar < 0 || line.substring(bar + 3).isBlank()) {
            throw new IllegalArgumentException(where + "entry without a reason; write `KEY | why it cannot be killed`");
        }
        String key = line.substring(0, bar).strip();
        int at = key.indexOf(" @ `");
        int close = key.lastIndexOf('`');
        if (at < 0 || close <= at + 3) {
            throw new IllegalArgumentException(where + "entry without a piece of the mutated line; write "
                    + "`class.method Mutator description @ `piece of the line` | reason` (not a line number)");
        }
        String piece = squeeze(key.substring(at + 4, close));
        String tail = key.substring(close + 1).strip();
        int occurrence = 0, all = 0;
        if (tail.matches("#[1-9][0-9]*")) {
            occurrence = Integer.parseInt(tail.substring(1));
        } else if (tail.matches("all [2-9][0-9]*|all [1-9][0-9]+")) {
            all = Integer.parseInt(tail.substring(4));
        } else if (!tail.isEmpty()) {
            throw new IllegalArgumentException(where + "after the piece of code only `#k` (the k-th match) or `all N` "
                    + "(all N matches) may follow, not `" + tail + "`");
        }
        String[] head = key.substring(0, at).strip().split(" ", 3);
        if (head.length < 3 || head[0].lastIndexOf('.') < 0 || piece.isEmpty()) {
            throw new IllegalArgumentException(where + "write `class.method Mutator description @ `piece of the line` | reason`");
        }
        String cls = head[0].substring(0, head[0].lastIndexOf('.'));
        String method = methodName(head[0].substring(head[0].lastIndexOf('.') + 1));
        out.add(new Equivalent(key, n, cls, method, head[1], head[2].strip(), piece, occurrence, all));
    }
    return out;
}

/// Lines `package minimum-percent`; `*` is the default for packages not listed.
static Map<String, Double> readThresholds(Path file) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    if (!Files.exists(file)) return out;
    for (String line : Files.readAllLines(file)) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) continue;
        String[] f = s.split("\\s+");
        out.put(f[0], Double.parseDouble(f[1]));
    }
    return out;
}
