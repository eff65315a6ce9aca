import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
/// the suite's gaps. An equivalent-list entry that matches no mutant is an error: the list is
/// kept in step with the code, never grown silently.
///
/// Run by `.ci/mutation`: `java src/test/mutation/MutationScore.java REPORTS_DIR PACKAGE...`
void main(String[] args) throws Exception {
    if (args.length < 2) {
        System.err.println("usage: java MutationScore.java REPORTS_DIR PACKAGE... (reports as written by .ci/mutation)");
        System.exit(2);
    }
    Path here = Path.of("src/test/mutation");
    Path reports = Path.of(args[0]);
    Map<String, Equivalent> equivalents = readEquivalents(here.resolve("equivalent-mutants.txt"));
    Map<String, Double> minimum = readThresholds(here.resolve("thresholds.txt"));
    boolean ok = true;
    System.out.printf("%-10s %9s %8s %9s %12s %11s %7s %8s%n",
            "package", "mutants", "killed", "survived", "no coverage", "equivalent", "score", "minimum");
    List<String> gaps = new ArrayList<>();
    for (int a = 1; a < args.length; a++) {
        String pkg = args[a];
        Path xml = reports.resolve(pkg).resolve("mutations.xml");
        if (!Files.exists(xml)) {
            System.out.printf("%-10s no report at %s (did PIT run?)%n", pkg, xml);
            ok = false;
            continue;
        }
        int generated = 0, detected = 0, survived = 0, noCoverage = 0, equivalent = 0;
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList list = doc.getElementsByTagName("mutation");
        for (int i = 0; i < list.getLength(); i++) {
            Element m = (Element) list.item(i);
            generated++;
            String key = key(text(m, "mutatedClass"), text(m, "mutatedMethod"), text(m, "lineNumber"),
                    shortMutator(text(m, "mutator")), text(m, "description"));
            Equivalent e = equivalents.get(key);
            if (e != null) {
                e.matched++;
                equivalent++;
            } else if (Boolean.parseBoolean(m.getAttribute("detected"))) {
                detected++;
            } else {
                if ("NO_COVERAGE".equals(m.getAttribute("status"))) noCoverage++; else survived++;
                gaps.add(m.getAttribute("status") + " " + key);
            }
        }
        int counted = generated - equivalent;
        double score = counted == 0 ? 100 : 100.0 * detected / counted;
        double min = minimum.getOrDefault(pkg, minimum.getOrDefault("*", 95.0));
        boolean pass = score >= min;
        ok &= pass;
        System.out.printf("%-10s %9d %8d %9d %12d %11d %6.1f%% %7.1f%% %s%n",
                pkg, generated, detected, survived, noCoverage, equivalent, score, min, pass ? "" : "BELOW");
    }
    for (var e : equivalents.values()) {
        String pkg = e.key.substring("dev.tinyseek.".length(), e.key.indexOf('.', "dev.tinyseek.".length()));
        boolean ran = List.of(args).subList(1, args.length).contains(pkg);
        if (ran && e.matched == 0) {
            System.out.println("stale entry in equivalent-mutants.txt (matches no mutant; fix or remove it): " + e.key);
            ok = false;
        }
    }
    if (!gaps.isEmpty()) {
        System.out.println("\nnot detected (" + gaps.size() + "):");
        gaps.forEach(g -> System.out.println("  " + g));
    }
    if (!ok) {
        System.out.println("\nmutation score below the minimum (or a stale/missing entry) in at least one package");
        System.exit(1);
    }
}

static final class Equivalent {
    final String key;
    int matched;
    Equivalent(String key) { this.key = key; }
}

/// `dev.tinyseek.moe.Gate.route:110 MathMutator Replaced integer multiplication with division`
static String key(String cls, String method, String line, String mutator, String description) {
    return cls + "." + method + ":" + line + " " + mutator + " " + description;
}

static String shortMutator(String fqcn) {
    return fqcn.substring(fqcn.lastIndexOf('.') + 1);
}

static String text(Element m, String tag) {
    return m.getElementsByTagName(tag).item(0).getTextContent().trim();
}

/// Lines `KEY | reason`; `#` starts a comment line. Every entry must give a reason.
static Map<String, Equivalent> readEquivalents(Path file) throws IOException {
    Map<String, Equivalent> out = new LinkedHashMap<>();
    if (!Files.exists(file)) return out;
    int n = 0;
    for (String line : Files.readAllLines(file)) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        int bar = line.lastIndexOf(" | ");
        if (bar < 0 || line.substring(bar + 3).isBlank()) {
            throw new IllegalArgumentException(file + ":" + n + ": entry without a reason; write `KEY | why it cannot be killed`");
        }
        String key = line.substring(0, bar).trim();
        out.put(key, new Equivalent(key));
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
