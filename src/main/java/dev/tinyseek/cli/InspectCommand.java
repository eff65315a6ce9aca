package dev.tinyseek.cli;

import dev.tinyseek.experiments.Inspection;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/// `tinyseek inspect DIR`: checks a checkpoint directory exactly as loading does, then prints
/// its config, its tensors, its parameter counts and its KV-cache size per token ([Inspection]).
final class InspectCommand implements Main.Command {

    @Override
    public String summary() {
        return "check a checkpoint directory and print its config, tensors and sizes";
    }

    static Args spec() {
        return new Args("inspect", "Loads DIR exactly as 'generate' would: manifest hashes, config, memory, every tensor's\n"
                + "shape and finiteness, tokenizer.json (a bad file: one line, exit code 1); then prints\n"
                + "the config, a table of tensors (name, dtype, shape), parameter counts and KV-cache bytes per token.")
                .positional("DIR", "a checkpoint directory");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        Path dir = Path.of(a.positional(0, "DIR"));
        List<String> notes = new ArrayList<>();
        Transformer model = Checkpoint.load(dir, notes::add); // manifest, config, memory, shapes, finite weights
        dev.tinyseek.tokenizer.Tokenizer tok = GenerateCommand.tokenizer(dir, model); // as generate reads it
        out.print(Inspection.report(dir, model, tok, notes));
        return 0;
    }
}
