/// Files that move models between this project and the Python world: a strict [Json]
/// parser and writer (with [JsonObject] for typed config access), and the safetensors format
/// ([SafetensorsFile] reads, memory-mapped and fully checked; [Safetensors] writes atomically).
///
/// Every problem with a file is a [CheckpointException] naming the file, the tensor or field,
/// and what is wrong. Narrow floats (BF16, F16, F8_E4M3) are read and written with the `fp8`
/// package's codecs; nothing else in the project is used here.
package dev.tinyseek.io;
