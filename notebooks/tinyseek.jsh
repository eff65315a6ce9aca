// tinyseek's JShell start-up script. Open it with
//     ./tinyseek jshell
// (or: jshell --class-path target/tinyseek.jar --startup DEFAULT --startup notebooks/tinyseek.jsh)
// It imports every package and their nested enums and records (Scale, Normalization, Form, ...),
// and adds three helpers: load, ask, show.

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
import dev.tinyseek.experiments.*;
import dev.tinyseek.chart.*;
import dev.tinyseek.notebook.*;
import java.nio.file.Path;
// nested types, by their short names (every one that the notebooks use, and the other enums and records a user meets);
// none may share its short name with a top-level type, which it would hide: CostModel.Precision stays qualified,
// Precision is nn.Precision (the layers' FP32/FP8 switch)
import dev.tinyseek.attention.MultiHeadLatentAttention.Form;
import dev.tinyseek.moe.Gate.Routing;
import dev.tinyseek.moe.Gate.Scoring;
import dev.tinyseek.model.CostModel.KvForm;
import dev.tinyseek.model.CostTensors.Part;
import dev.tinyseek.model.CostTensors.Storage;
import dev.tinyseek.fp8.DelayedScaling.Algorithm;
import dev.tinyseek.fp8.MxScaling.Rule;
import dev.tinyseek.train.Trainer.History;
import dev.tinyseek.rl.Advantages.Scale;
import dev.tinyseek.rl.GrpoLoss.Normalization;
import dev.tinyseek.rl.GrpoTrainer.StepMetrics;

/// A checkpoint directory, e.g. load("tiny-models/deepseek-v3-addition").
Transformer load(String dir) throws java.io.IOException {
    return Checkpoint.load(Path.of(dir));
}

/// The model's greedy answer to a task prompt, e.g. ask(m, "72+98=") -> "071" (170, digits reversed).
String ask(Transformer model, String prompt) {
    return Evaluation.answer(model, prompt, 16);
}

/// A few numbers of an array, for a quick look: show(x) -> "[0.1000, -2.000, ...] (n = 64)".
String show(double[] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < Math.min(8, x.length); i++) {
        sb.append(i > 0 ? ", " : "").append(String.format(java.util.Locale.ROOT, "%.4g", x[i]));
    }
    return sb.append(x.length > 8 ? ", ...] (n = " : "] (n = ").append(x.length).append(")").toString();
}

/// The same for a float[].
String show(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
        d[i] = x[i];
    }
    return show(d);
}

System.out.println("tinyseek: every package imported; try  var m = load(\"tiny-models/deepseek-v3-addition\"); ask(m, \"72+98=\")");
