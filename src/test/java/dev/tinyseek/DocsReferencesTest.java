package dev.tinyseek;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/// Every pointer a reader follows must lead somewhere: references to `docs/PAGE.md#heading` in
/// the code, the README, the notebooks, the exercises' starters and the docs themselves name a
/// page and a heading that exist (GitHub's anchors); the README's and the docs' relative links
/// resolve; and nothing points to developer notes that the repository does not contain.
class DocsReferencesTest {

    static final Path ROOT = Path.of("").toAbsolutePath();

    /// `docs/page.md` or `docs/page.md#anchor`, wherever it appears.
    static final Pattern DOCS_REF = Pattern.compile("docs/([A-Za-z0-9_-]+\\.md)(#[A-Za-z0-9_-]*)?");
    /// A Markdown link `[text](target)`.
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /// Pointers to files that are not in the repository (the developers' notes).
    static final Pattern MISSING_NOTES = Pattern.compile(
            "spec/[a-z0-9-]*\\.md|DESIGN\\.md|(?i:\\bspec\\b)`?\\s*§|\\bspec\\s+`?[a-z0-9-]+\\.md|`spec`|\\(spec\\)|pitfall §");

    @Test
    void everyDocsReferenceNamesAPageAndAHeadingThatExist() {
        List<String> problems = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        int refs = 0;
        for (Path f : scannedFiles()) {
            String text = read(f);
            Matcher m = DOCS_REF.matcher(text);
            while (m.find()) {
                refs++;
                problems.addAll(check(ROOT.resolve("docs").resolve(m.group(1)), m.group(2), f, text, m.start(), anchors));
            }
        }
        assertThat(refs).as("references to docs/ found (the scan must see the code's references)").isGreaterThan(50);
        assertThat(problems).as("references to docs/ that lead nowhere").isEmpty();
    }

    @Test
    void readmeAndDocsRelativeLinksResolve() {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        files.addAll(list(ROOT.resolve("docs"), ".md"));
        List<String> problems = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        int links = 0;
        for (Path f : files) {
            String text = withoutFencedCode(read(f));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                links++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path p = path.isEmpty() ? f : f.getParent().resolve(path).normalize();
                problems.addAll(check(p, hash < 0 ? null : target.substring(hash), f, text, m.start(), anchors));
            }
        }
        assertThat(links).as("relative links found").isGreaterThan(10);
        assertThat(problems).as("relative links that lead nowhere").isEmpty();
    }

    @Test
    void nothingPointsToNotesOutsideTheRepository() {
        List<String> problems = new ArrayList<>();
        for (Path f : scannedFiles()) {
            String text = read(f);
            Matcher m = MISSING_NOTES.matcher(text);
            while (m.find()) {
                problems.add(where(f, text, m.start()) + ": \"" + m.group() + "\" (point to a docs/ page and heading instead)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCheckerCatchesAMissingHeadingAndAMissingPage() {
        Map<Path, Set<String>> anchors = new HashMap<>();
        Path fp8 = ROOT.resolve("docs/fp8.md");
        assertThat(check(fp8, "#block-scaling", fp8, "", 0, anchors)).isEmpty();
        assertThat(check(fp8, "#no-such-heading", fp8, "", 0, anchors)).singleElement().asString()
                .contains("no heading #no-such-heading");
        assertThat(check(ROOT.resolve("docs/no-such-page.md"), null, fp8, "", 0, anchors)).singleElement().asString()
                .contains("does not exist");
        assertThat(MISSING_NOTES.matcher("see spec/fp8.md §4.2").find()).isTrue();
        assertThat(MISSING_NOTES.matcher("(spec §6.1)").find()).isTrue();
        assertThat(MISSING_NOTES.matcher("the OCP MX spec (v1.0 §5.4.1)").find()).isFalse();
    }

    @Test
    void anchorsAreGitHubs() {
        assertThat(anchor("The KL term (k3)")).isEqualTo("the-kl-term-k3");
        assertThat(anchor("RoPE: interleaved pairs")).isEqualTo("rope-interleaved-pairs");
        assertThat(anchor("`tinyseek bench`: GEMM 512³, μ = 1")).isEqualTo("tinyseek-bench-gemm-512³-μ--1");
        assertThat(anchor("GRPO and DeepSeek-R1")).isEqualTo("grpo-and-deepseek-r1");
    }

    /// GitHub's heading anchor: lower case, punctuation and symbols dropped (letters, marks,
    /// numbers, spaces, `-` and `_` kept), each space to a hyphen.
    static String anchor(String heading) {
        StringBuilder sb = new StringBuilder();
        heading.strip().toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                sb.append('-');
            } else if (c == '-' || kept(Character.getType(c))) {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /// GitHub keeps letters, marks, numbers and connector punctuation (`_`).
    static boolean kept(int type) {
        return switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION -> true;
            default -> false;
        };
    }

    /// The anchors of a Markdown file's headings, duplicates numbered as GitHub does.
    static Set<String> anchorsOf(String markdown) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : withoutFencedCode(markdown).split("\n")) {
            Matcher h = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
            if (h.matches()) {
                String a = anchor(h.group(1));
                int n = seen.merge(a, 1, Integer::sum);
                out.add(n == 1 ? a : a + "-" + (n - 1));
            }
        }
        return out;
    }

    static List<String> check(Path target, String hash, Path from, String text, int at, Map<Path, Set<String>> cache) {
        if (!Files.exists(target)) {
            return List.of(where(from, text, at) + ": " + ROOT.relativize(target) + " does not exist");
        }
        if (hash == null || hash.length() <= 1 || !target.toString().endsWith(".md")) {
            return List.of();
        }
        Set<String> anchors = cache.computeIfAbsent(target, p -> anchorsOf(read(p)));
        return anchors.contains(hash.substring(1)) ? List.of()
                : List.of(where(from, text, at) + ": " + ROOT.relativize(target) + " has no heading " + hash);
    }

    static List<Path> scannedFiles() {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        files.addAll(list(ROOT.resolve("docs"), ".md"));
        files.addAll(list(ROOT.resolve("notebooks"), ".ipynb"));
        files.addAll(list(ROOT.resolve("notebooks"), ".jsh"));
        for (Path p : list(ROOT.resolve("src"), "")) {
            if (p.toString().matches(".*\\.(java|md|json|py|txt|jsh)")) {
                files.add(p);
            }
        }
        files.removeIf(p -> p.endsWith("DocsReferencesTest.java")); // its patterns are test data
        return files;
    }

    static List<Path> list(Path dir, String ext) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(ext)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String withoutFencedCode(String markdown) {
        StringBuilder sb = new StringBuilder();
        boolean inFence = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                sb.append('\n');
                continue;
            }
            sb.append(inFence ? "" : line).append('\n');
        }
        return sb.toString();
    }

    static String where(Path f, String text, int at) {
        int line = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return ROOT.relativize(f) + ":" + line;
    }
}
