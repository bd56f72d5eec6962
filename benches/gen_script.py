#!/usr/bin/env python3
"""Writes a graph script for the whole-process benchmark: gen_script.py N KIND > FILE

N is the number of statements (lines):
- chain: x{i} = sin(x{i-1}) * 0.5 + x{i-1}  (one long path, 4 nodes a statement);
- chain3: the same chain fed by three inputs a, b, c (x0 = a*b + c, x{i} = sin(x{i-1})
         * a + x{i-1}), for `hessian` and `hvp` against `grad` with k = 3;
- dag:   a random earlier operand per statement (fan-out everywhere), fixed seed;
- mlp:   a micrograd-style tanh MLP width -> width -> width -> 1 with a squared-error
         loss, one statement per weight (an input) and one per neuron (a long sum),
         width chosen so the script has about N statements.
"""
import math
import random
import sys

n, kind = int(sys.argv[1]), sys.argv[2]
out = sys.stdout
if kind == "chain":
    out.write("x0 = 0.5\n")
    for i in range(1, n):
        out.write(f"x{i} = sin(x{i-1}) * 0.5 + x{i-1}\n")
elif kind == "chain3":
    out.write("a = 0.5\nb = 0.3\nc = 0.2\nx0 = a * b + c\n")
    for i in range(1, n - 3):
        out.write(f"x{i} = sin(x{i-1}) * a + x{i-1}\n")
elif kind == "dag":
    random.seed(1)
    for i in range(4):
        out.write(f"v{i} = 0.{i + 1}\n")
    for i in range(4, n):
        a, b = i - 1, random.randrange(i)
        out.write(random.choice([
            f"v{i} = tanh(v{a} + v{b})",
            f"v{i} = sin(v{a}) * v{b}",
            f"v{i} = sigmoid(v{a} - v{b})",
            f"v{i} = v{a} * v{b} + 0.25",
        ]) + "\n")
elif kind == "mlp":
    random.seed(2)
    # 2·w² + 5·w + 2 statements for width w.
    width = max(2, int((-5 + math.sqrt(25 + 8 * (n - 2))) / 4))
    weight = lambda: f"{random.randrange(-100, 100) / 100:.2f}"
    previous = []
    for i in range(width):
        out.write(f"x{i} = {weight()}\n")
        previous.append(f"x{i}")
    for layer, outs in enumerate([width, width, 1]):
        current = []
        for j in range(outs):
            for i in range(len(previous)):
                out.write(f"w{layer}_{j}_{i} = {weight()}\n")
            out.write(f"b{layer}_{j} = {weight()}\n")
            terms = "".join(f"w{layer}_{j}_{i} * {p} + " for i, p in enumerate(previous))
            out.write(f"h{layer}_{j} = tanh({terms}b{layer}_{j})\n")
            current.append(f"h{layer}_{j}")
        previous = current
    out.write(f"loss = ({previous[0]} - 0.5)^2\n")
else:
    sys.exit(f"unknown kind {kind!r}: chain, chain3, dag or mlp")
