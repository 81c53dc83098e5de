#!/usr/bin/python3
"""Writes fp16-cache/model.onnx: a tiny random-weight decoder whose KV cache (and logits) are float16.

A test fixture for the fp16 cache path of ConstrainedDecoding.OnnxRuntime, not a model: random weights, so its text
is noise; the tests check the decode loop's mechanics (cache reuse, masks, stop tokens), not what it writes.

Common export layout: inputs input_ids [batch, seq] int64, attention_mask [batch, total] int64, position_ids
[batch, seq] int64, past_key_values.{i}.key|value [batch, 2, past, 8] float16; outputs logits [batch, seq, 50257]
float16, present.{i}.key|value [batch, 2, total, 8] float16. GPT-2's vocabulary (tokenizer.json of tiny-json-gpt2),
2 layers, d=16, 2 heads of 8, learned positions up to 256. Weights are stored as float16 and cast to float32 in the
graph; the cache is cast float16 -> float32 on the way in and back on the way out, as half-precision exports do.

    apt-get install -y python3-onnx python3-numpy
    /usr/bin/python3 make_fp16_cache_model.py fp16-cache/model.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB, D, HEADS, HEAD, LAYERS, MAX_POS, FFN = 50257, 16, 2, 8, 2, 256, 32
rng = np.random.default_rng(20261123)
nodes, inits = [], []


def weight(name, shape, scale):
    """A float16 initializer cast to float32 in the graph; returns the float32 tensor's name."""
    inits.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float16), name + "_fp16"))
    nodes.append(helper.make_node("Cast", [name + "_fp16"], [name], to=TensorProto.FLOAT))
    return name


def const(name, values, dtype=np.int64):
    inits.append(numpy_helper.from_array(np.array(values, dtype=dtype), name))
    return name


def node(op, inputs, output, **attrs):
    nodes.append(helper.make_node(op, inputs, [output], **attrs))
    return output


def layer_norm(x, name):
    scale = const(name + "_scale", np.ones(D), np.float32)
    bias = const(name + "_bias", np.zeros(D), np.float32)
    return node("LayerNormalization", [x, scale, bias], name, axis=-1, epsilon=1e-5)


embedding = weight("embedding", (VOCAB, D), 0.5)
positions = weight("positions", (MAX_POS, D), 0.3)
x = node("Add", [node("Gather", [embedding, "input_ids"], "tok_emb"), node("Gather", [positions, "position_ids"], "pos_emb")], "x0")

# Mask [batch, 1, seq, total]: key j is visible to query i when j <= past + i and attention_mask[j] is 1.
total = node("Shape", ["attention_mask"], "total", start=1, end=2)
seq = node("Shape", ["input_ids"], "seq", start=1, end=2)
past = node("Sub", [total, seq], "past")
zero, one = const("zero", 0), const("one", 1)
key_pos = node("Range", [zero, node("Squeeze", [total, const("axis0", [0])], "total_s"), one], "key_pos")
query_pos = node("Range", [node("Squeeze", [past, "axis0"], "past_s"), "total_s", one], "query_pos")
causal = node("LessOrEqual", [node("Unsqueeze", [key_pos, "axis0"], "key_row"), node("Unsqueeze", [query_pos, const("axis1", [1])], "query_col")], "causal")
padding = node("Unsqueeze", [node("Cast", ["attention_mask"], "attend", to=TensorProto.BOOL), const("axes12", [1, 2])], "attend4")
mask = node("And", [causal, padding], "mask")
heads_shape = const("heads_shape", [0, 0, HEADS, HEAD])
merge_shape = const("merge_shape", [0, 0, D])
minus = const("minus", np.array(-1e4, np.float32), np.float32)
inv_sqrt = const("inv_sqrt", np.array(1 / np.sqrt(HEAD), np.float32), np.float32)

for i in range(LAYERS):
    h = layer_norm(x, f"ln_attn{i}")

    def split(which):
        projected = node("MatMul", [h, weight(f"w{which}{i}", (D, D), D ** -0.5)], f"{which}{i}")
        return node("Transpose", [node("Reshape", [projected, heads_shape], f"{which}{i}_r")], f"{which}{i}_t", perm=[0, 2, 1, 3])

    q, k, v = split("q"), split("k"), split("v")
    cached = {}
    for kind, new in (("key", k), ("value", v)):
        old = node("Cast", [f"past_key_values.{i}.{kind}"], f"past{i}_{kind}", to=TensorProto.FLOAT)
        cached[kind] = node("Concat", [old, new], f"all{i}_{kind}", axis=2)
        node("Cast", [cached[kind]], f"present.{i}.{kind}", to=TensorProto.FLOAT16)
    scores = node("Mul", [node("MatMul", [q, node("Transpose", [cached["key"]], f"kt{i}", perm=[0, 1, 3, 2])], f"qk{i}"), inv_sqrt], f"scores{i}")
    probs = node("Softmax", [node("Where", [mask, scores, minus], f"masked{i}")], f"probs{i}", axis=-1)
    attended = node("Transpose", [node("MatMul", [probs, cached["value"]], f"att{i}")], f"att{i}_t", perm=[0, 2, 1, 3])
    merged = node("Reshape", [attended, merge_shape], f"att{i}_m")
    x = node("Add", [x, node("MatMul", [merged, weight(f"wo{i}", (D, D), D ** -0.5)], f"o{i}")], f"x{i}a")
    hidden = node("Relu", [node("MatMul", [layer_norm(x, f"ln_ffn{i}"), weight(f"w1_{i}", (D, FFN), D ** -0.5)], f"ff{i}")], f"ff{i}_r")
    x = node("Add", [x, node("MatMul", [hidden, weight(f"w2_{i}", (FFN, D), FFN ** -0.5)], f"ff{i}_o")], f"x{i}b")

unembed = node("Transpose", [embedding], "unembed", perm=[1, 0])
logits32 = node("MatMul", [layer_norm(x, "ln_final"), unembed], "logits32")
node("Cast", [logits32], "logits", to=TensorProto.FLOAT16)

ids = ["batch", "sequence"]
inputs = [
    helper.make_tensor_value_info("input_ids", TensorProto.INT64, ids),
    helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "total_sequence"]),
    helper.make_tensor_value_info("position_ids", TensorProto.INT64, ids),
]
outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT16, ["batch", "sequence", VOCAB])]
for i in range(LAYERS):
    for kind in ("key", "value"):
        inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", TensorProto.FLOAT16, ["batch", HEADS, "past_sequence", HEAD]))
        outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", TensorProto.FLOAT16, ["batch", HEADS, "total_sequence", HEAD]))

graph = helper.make_graph(nodes, "fp16_cache_decoder", inputs, outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_fp16_cache_model.py")
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, sys.argv[1] if len(sys.argv) > 1 else "model.onnx")
