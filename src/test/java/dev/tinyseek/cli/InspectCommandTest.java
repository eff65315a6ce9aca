package dev.tinyseek.cli;

import dev.tinyseek.experiments.TinyModelsTest;
import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.MtpModule;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.moe.MoeLayer;
import dev.tinyseek.nn.Param;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek inspect` counts parameters as `tinyseek cost` does, and those counts are what the
/// weights of the shipped MoE model with an MTP module give when counted by hand.
class InspectCommandTest {

    @Test
    void theShippedMoeModelsCountsAreCostsAndTheWeightsCountedByHand() throws Exception {
        Path dir = TinyModelsTest.ROOT.resolve("deepseek-v3-addition");
        MainTest.Result inspect = MainTest.run("inspect", dir.toString());
        assertThat(inspect.code()).as(inspect.err()).isZero();
        MainTest.Result cost = MainTest.run("cost", dir.toString(), "--json");
        assertThat(cost.code()).as(cost.err()).isZero();

        // the same numbers as 'tinyseek cost --json'
        long total = number(cost.out(), "\"total\": \\{[^}]*\"all\": (\\d+)");
        long activated = number(cost.out(), "\"activated_per_token\": \\{[^}]*\"all\": (\\d+)");
        long wholeTable = number(cost.out(), "\"activated_counting_whole_embedding\": (\\d+)");
        long mtp = number(cost.out(), "\"mtp_unique\": (\\d+)");
        long mtpActivated = number(cost.out(), "\"mtp_activated_unique\": (\\d+)");
        assertThat(inspect.out()).contains(String.format(java.util.Locale.ROOT, "%,d total, %,d activated per token (one embedding row; %,d counting the whole table)",
                total, activated, wholeTable)).contains(String.format(java.util.Locale.ROOT, "plus the MTP module: %,d total, %,d activated per token; %,d in all",
                mtp, mtpActivated, total + mtp)).doesNotContain("note:");

        // and what the weights give: a token reads one embedding row and K of the E routed experts
        Transformer m = Checkpoint.load(dir);
        long mtpHeld = 0, mtpUnused = 0, mainUnused = 0;
        for (MtpModule module : m.mtp) {
            mtpHeld += size(module.params().toArray(Param[]::new));
            if (module.block.ffn instanceof MoeLayer moe) {
                mtpUnused += unusedExperts(moe);
            }
        }
        for (MoeLayer moe : m.moeLayers()) {
            mainUnused += unusedExperts(moe);
        }
        assertThat(mainUnused).as("the MoE layer leaves experts out").isPositive();
        long embedding = m.embed.weight.size();
        assertThat(total).isEqualTo(m.parameterCount() - mtpHeld);
        assertThat(mtp).isEqualTo(mtpHeld);
        assertThat(wholeTable).isEqualTo(total - mainUnused);
        assertThat(activated).isEqualTo(total - mainUnused - embedding + m.config.hiddenSize());
        assertThat(mtpActivated).isEqualTo(mtpHeld - mtpUnused);
    }

    private static long unusedExperts(MoeLayer moe) {
        return size(moe.experts.get(0).params().toArray(Param[]::new)) * (moe.gate.experts - moe.gate.topK);
    }

    private static long size(Param... ps) {
        long n = 0;
        for (Param p : ps) {
            n += p.size();
        }
        return n;
    }

    private static long number(String text, String regex) {
        Matcher mt = Pattern.compile(regex).matcher(text);
        assertThat(mt.find()).as("'%s' in %s", regex, text).isTrue();
        return Long.parseLong(mt.group(1));
    }
}
