package dev.tinyseek.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/// Learns BPE merges from a text: start from bytes, and repeatedly join the most frequent
/// adjacent pair of tokens into a new token (Sennrich et al. 2016, on bytes as in GPT-2).
///
/// 1. Special tokens are cut out of the text (they are boundaries, never learned from), the
///    rest is cut into chunks by [PreSplit], and equal chunks are counted once with their count.
/// 2. Each round counts every adjacent pair inside every chunk, weighted by the chunk's count,
///    and merges the pair with the **highest count**; among equal counts, the pair with the
///    **smallest left id, then smallest right id** wins. That tie rule makes training
///    deterministic whatever the order of hash maps. A pair whose joined bytes already are a
///    token (possible: "ab"+"c" and "a"+"bc") is passed over, so that every byte string is one
///    token only, which `tokenizer.json`'s string-keyed vocabulary needs.
/// 3. It stops at `vocabSize` tokens, or earlier when no pair occurs at least twice (a merge
///    seen once only memorises the training text), so [Tokenizer#vocabSize] may be smaller
///    than asked.
///
/// Left out on purpose: the incremental pair-count update of fast trainers (here each round
/// recounts; fine for the few hundred merges a tiny model wants), and a minimum frequency knob.
public final class BpeTrainer {

    private BpeTrainer() {
    }

    /// Trains a tokenizer of at most `vocabSize` tokens (256 bytes + `specials` + merges).
    ///
    /// @throws IllegalArgumentException if `vocabSize` is below `256 + specials.size()`
    public static Tokenizer train(String text, int vocabSize, List<String> specials) {
        int first = 256 + specials.size();
        if (vocabSize < first) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " must be at least 256 bytes + "
                    + specials.size() + " specials = " + first);
        }
        // 1. chunks and their counts, special tokens cut out
        Map<String, Integer> chunkCounts = new HashMap<>();
        for (String piece : splitOnSpecials(text, specials)) {
            for (String chunk : PreSplit.split(piece)) {
                chunkCounts.merge(chunk, 1, Integer::sum);
            }
        }
        List<int[]> words = new ArrayList<>();   // each [length]: token ids of one distinct chunk
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : chunkCounts.entrySet()) {
            byte[] b = Wtf8.encode(e.getKey());
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = b[i] & 0xFF;
            }
            words.add(ids);
            counts.add(e.getValue());
        }
        // 2. merge rounds
        List<int[]> merges = new ArrayList<>();
        List<String> tokens = new ArrayList<>();   // [ids]: bytes of each token as ISO-8859-1 text
        Set<String> known = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf((char) b));
            known.add(tokens.get(b));
        }
        for (String sp : specials) {
            tokens.add(null); // specials are matched before BPE and never merged
        }
        while (first + merges.size() < vocabSize) {
            Map<Long, Long> pairCounts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] ids = words.get(w);
                long c = counts.get(w);
                for (int i = 0; i + 1 < ids.length; i++) {
                    pairCounts.merge(Tokenizer.pair(ids[i], ids[i + 1]), c, Long::sum);
                }
            }
            long bestPair = -1, bestCount = 0;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long p = e.getKey(), c = e.getValue();
                boolean better = c > bestCount || (c == bestCount && p < bestPair); // ids >= 0: p orders by (left, right)
                if (better && !known.contains(tokens.get((int) (p >>> 32)) + tokens.get((int) p))) {
                    bestPair = p;
                    bestCount = c;
                }
            }
            if (bestCount < 2) {
                break;
            }
            int left = (int) (bestPair >>> 32), right = (int) bestPair, id = first + merges.size();
            merges.add(new int[] {left, right});
            tokens.add(tokens.get(left) + tokens.get(right));
            known.add(tokens.get(id));
            // 3. apply the new merge to every chunk
            for (int w = 0; w < words.size(); w++) {
                words.set(w, join(words.get(w), left, right, id));
            }
        }
        return new Tokenizer(specials, merges);
    }

    private static int[] join(int[] ids, int left, int right, int id) {
        int[] out = new int[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i + 1 < ids.length && ids[i] == left && ids[i + 1] == right) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = ids[i];
            }
        }
        return n == ids.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /// The text between special tokens (leftmost, longest match, as [Tokenizer#encode] does).
    private static List<String> splitOnSpecials(String text, List<String> specials) {
        List<String> pieces = new ArrayList<>();
        int start = 0, i = 0;
        while (i < text.length()) {
            String best = null;
            for (String s : specials) {
                if (text.startsWith(s, i) && (best == null || s.length() > best.length())) {
                    best = s;
                }
            }
            if (best == null) {
                i++;
            } else {
                pieces.add(text.substring(start, i));
                i += best.length();
                start = i;
            }
        }
        pieces.add(text.substring(start));
        return pieces;
    }
}
