/// Files that move models between this project and the Python world: a strict [Json]
/// parser and writer (with [JsonObject] for typed config access), and the safetensors format
/// ([SafetensorsFile] reads, memory-mapped and fully checked; [Safetensors] writes atomically).
///
/// Every problem with a file is a [CheckpointException] naming the file, the tensor or field,
/// and what is wrong. This package depends on nothing else in the project.
package dev.tinyseek.io;
