package dev.tinyseek.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// Cuts text into chunks before BPE, so that merges never cross a chunk boundary: a token
/// never spans a word and the following space, or a letter and a digit.
///
/// The rule, in order of preference at each position (a simpler cousin of GPT-2's pattern):
/// 1. one digit alone (`\p{N}`), so numbers are spelled digit by digit, which helps
///    arithmetic, as in LLaMA and DeepSeek LLM;
/// 2. an optional space followed by letters (` ?\p{L}+`), so " cat" is one chunk;
/// 3. an optional space followed by other non-space characters (` ?[^\s\p{L}\p{N}]+`);
/// 4. whitespace not followed by a non-space (`\s+(?!\S)`), then any whitespace (`\s+`),
///    so the last space before a word stays with the word.
///
/// The chunks always concatenate back to the input. Left out on purpose: contractions
/// ("'s", "'re") and language-specific rules.
public final class PreSplit {

    /// The pattern, also stored in `tokenizer.json` so that a file made with another rule is refused.
    public static final String PATTERN = "\\p{N}| ?\\p{L}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private PreSplit() {
    }

    /// The chunks of `text`, in order; their concatenation is `text`.
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = COMPILED.matcher(text);
        int end = 0;
        while (m.find()) {
            if (m.start() > end) {
                out.add(text.substring(end, m.start())); // never happens with this pattern; kept for safety
            }
            out.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            out.add(text.substring(end));
        }
        return out;
    }
}
