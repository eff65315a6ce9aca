// tinyseek's JShell start-up script. Open it with
//     ./tinyseek jshell
// (or: jshell --class-path target/tinyseek.jar --startup DEFAULT --startup notebooks/tinyseek.jsh)
// It imports every package and adds three helpers: load, ask, show.

import dev.tinyseek.tensor.*;
import dev.tinyseek.backend.*;
import dev.tinyseek.nn.*;
import dev.tinyseek.attention.*;
import dev.tinyseek.moe.*;
import dev.tinyseek.model.*;
import dev.tinyseek.generate.*;
import dev.tinyseek.train.*;
import dev.tinyseek.tasks.*;
import dev.tinyseek.rl.*;
import dev.tinyseek.fp8.*;
import dev.tinyseek.io.*;
import dev.tinyseek.tokenizer.*;
import java.nio.file.Path;

/// A checkpoint directory, e.g. load("tiny-models/deepseek-v3-addition").
Transformer load(String dir) throws java.io.IOException {
    return Checkpoint.load(Path.of(dir));
}

/// The model's greedy answer to a task prompt, e.g. ask(m, "72+98=") -> "071" (170, digits reversed).
String ask(Transformer model, String prompt) {
    return Evaluation.answer(model, prompt, 16);
}

/// A few numbers of an array, for a quick look: show(x) -> "[0.1, -2.0, ...] (n = 64)".
String show(float[] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < Math.min(6, x.length); i++) {
        sb.append(i > 0 ? ", " : "").append(String.format(java.util.Locale.ROOT, "%.4g", x[i]));
    }
    return sb.append(x.length > 6 ? ", ...] (n = " : "] (n = ").append(x.length).append(")").toString();
}

System.out.println("tinyseek: every package imported; try  var m = load(\"tiny-models/deepseek-v3-addition\"); ask(m, \"72+98=\")");
