#!/usr/bin/env python3
"""Writes a graph script for the whole-process benchmark: gen_script.py N chain|dag > FILE"""
import random
import sys

n, kind = int(sys.argv[1]), sys.argv[2]
out = sys.stdout
if kind == "chain":
    out.write("x0 = 0.5\n")
    for i in range(1, n):
        out.write(f"x{i} = sin(x{i-1}) * 0.5 + x{i-1}\n")
else:
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
