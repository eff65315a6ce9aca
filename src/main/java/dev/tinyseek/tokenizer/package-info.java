/// Byte-level BPE: [Tokenizer] encodes and decodes, [BpeTrainer] learns merges from a text,
/// [TokenizerFile] reads and writes `tokenizer.json`.
///
/// Ids 0..255 are the bytes, the special tokens (`<eos>`, `<pad>`, `<think>`, `</think>`,
/// `<answer>`, `</answer>` by default) come next, then one id per merge. Text becomes bytes by
/// [Wtf8] (UTF-8 that keeps lone surrogates), so `decode(encode(s)).equals(s)` for every string.
package dev.tinyseek.tokenizer;
