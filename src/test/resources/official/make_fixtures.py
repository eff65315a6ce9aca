#!/usr/bin/env python3
"""Makes the golden fixtures of OfficialGoldenTest from DeepSeek-V3's official inference/model.py.

Run from the repository root, with Debian's torch (apt-get install -y python3-torch python3-numpy):

  /usr/bin/python3 src/test/resources/official/make_fixtures.py \
      --harness ../shared/reference/ref_deepseek_v3.py --mirror DIR_OF_DeepSeek-V3 --work /tmp/golden

DIR_OF_DeepSeek-V3 is a clone (or bare mirror) of github.com/deepseek-ai/DeepSeek-V3; the fixtures
here were made at commit 9b4e9788e4a3 (recorded in each reference.safetensors' metadata). The
harness builds a seeded random model with the official module tree, runs the official forward in
fp32 on the CPU and writes its outputs. This script then keeps, per fixture directory:
  config.json        the same model in HuggingFace config.json keys (what tinyseek reads)
  model.safetensors  its weights under HuggingFace names, fp32
  reference.safetensors  tokens [B,S]; naive.logits_all [B,S,V]; naive.layers.N.out [B,S,C];
                     naive.layers.N.gate.indices / .weights [B*S,K] (MoE layers);
                     absorb.logits_decode [B, S-P+1, V] (prefill P = S/2, then one token at a time)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# The tiny preset's layout at half its widths (so that two models fit in ~300 KB), YaRN on
# (max_seq_len 64 > original_seq_len 32, factor 40).
SMALLER = ["vocab_size=64", "dim=32", "inter_dim=64", "moe_inter_dim=16", "n_heads=2", "q_lora_rank=16",
           "kv_lora_rank=8", "qk_nope_head_dim=8", "qk_rope_head_dim=4", "v_head_dim=8"]
FIXTURES = {
    # DeepSeek-V3 routing: sigmoid affinities, the selection bias (noaux_tc), groups scored by their top two
    "routing-bias": (1, [], []),
    # no bias: softmax affinities (official score_func="softmax"), groups scored by their best
    "no-bias": (2, ['score_func="softmax"'], ["--no-gate-bias"]),
}


def hf_config(a):
    """The official ModelArgs as HuggingFace config.json keys."""
    sigmoid = a["score_func"] == "sigmoid"
    return {
        "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3",
        "vocab_size": a["vocab_size"], "hidden_size": a["dim"], "intermediate_size": a["inter_dim"],
        "moe_intermediate_size": a["moe_inter_dim"], "num_hidden_layers": a["n_layers"],
        "num_attention_heads": a["n_heads"], "n_shared_experts": a["n_shared_experts"],
        "n_routed_experts": a["n_routed_experts"], "routed_scaling_factor": a["route_scale"],
        "kv_lora_rank": a["kv_lora_rank"], "q_lora_rank": a["q_lora_rank"],
        "qk_rope_head_dim": a["qk_rope_head_dim"], "v_head_dim": a["v_head_dim"],
        "qk_nope_head_dim": a["qk_nope_head_dim"],
        "topk_method": "noaux_tc" if sigmoid else "group_limited_greedy",
        "n_group": a["n_expert_groups"], "topk_group": a["n_limited_groups"],
        "num_experts_per_tok": a["n_activated_experts"], "first_k_dense_replace": a["n_dense_layers"],
        "norm_topk_prob": sigmoid,  # the official Gate renormalises the top-k weights for sigmoid only
        "scoring_func": a["score_func"], "hidden_act": "silu",
        "max_position_embeddings": a["max_seq_len"], "rms_norm_eps": 1e-6, "rope_theta": a["rope_theta"],
        "rope_scaling": {"type": "yarn", "factor": a["rope_factor"],
                         "original_max_position_embeddings": a["original_seq_len"],
                         "beta_fast": a["beta_fast"], "beta_slow": a["beta_slow"],
                         "mscale": a["mscale"], "mscale_all_dim": a["mscale"]},
        "tie_word_embeddings": False, "num_nextn_predict_layers": 0,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--harness", required=True)
    p.add_argument("--mirror", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    a = p.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(a.harness)))
    import safetensors_lite as stl
    for name, (seed, sets, flags) in FIXTURES.items():
        work = os.path.join(a.work, name)
        args = [sys.executable, a.harness, "gen", "--mirror", a.mirror, "--out-dir", work, "--seed", str(seed), "--hf-names"]
        for s in SMALLER + sets:
            args += ["--set", s]
        subprocess.check_call(args + flags)
        subprocess.check_call([sys.executable, a.harness, "run", "--mirror", a.mirror, "--model-dir", work])
        out = os.path.join(a.out, name)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(work, "config.json")) as f:
            cfg = json.load(f)
        with open(os.path.join(out, "config.json"), "w") as f:
            json.dump(hf_config(cfg), f, indent=2)
            f.write("\n")
        shutil.copyfile(os.path.join(work, "model.hf.safetensors"), os.path.join(out, "model.safetensors"))
        ref, meta = stl.load_file(os.path.join(work, "ref_outputs.fp32.safetensors"))
        keep = {k: v for k, v in ref.items()
                if k == "tokens" or k == "naive.logits_all" or k == "absorb.logits_decode"
                or (k.startswith("naive.layers.") and (k.endswith(".out") or ".gate." in k))}
        meta = {k: v for k, v in meta.items() if k in ("harness", "model_py_commit", "model_py_sha256", "torch", "dtype", "prefill", "config", "shims")}
        stl.save_file(os.path.join(out, "reference.safetensors"), keep, meta)
        print(name, sorted(keep))


if __name__ == "__main__":
    main()
