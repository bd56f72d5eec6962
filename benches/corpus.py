#!/usr/bin/env python3
"""Byte-identical answers: every case of the corpus run by two builds of backprop-lab.

    benches/corpus.py OLD NEW      (benches/corpus.sh builds NEW first)

A case is a command line and the bytes on standard input; both binaries run it, and their
standard output, standard error, exit status and any file `export` writes must be the
same to the byte. The cases: the scripts benches/gen_script.py writes (every kind, small
to 10^5 statements) through `grad`, `hessian`, `hvp` and `export`; error and edge cases
written here (bad tokens, unknown names, reassigned inputs, deep nesting, empty text,
CRLF, comments, `--at`, `--v`); seeded random text over the language's alphabet and
random statements; and, if benches/corpus-cli.txt is there, command lines recorded from
tests/cli.rs.
Prints one line per difference and a summary; exits 1 if any case differs.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def generated(kind, n):
    out = subprocess.run([sys.executable, os.path.join(HERE, "gen_script.py"), str(n), kind],
                         capture_output=True, check=True)
    return out.stdout


def cases():
    """(label, args, stdin bytes) triples. An argument "{FILE}" is replaced by a file
    holding stdin; "{OUT}" by a folder of the binary's own, whose files are compared."""
    # The generated scripts, small to large.
    for kind in ["chain", "chain3", "dag", "mlp"]:
        for n in [1, 2, 3, 4, 5, 8, 10, 50, 100, 1000, 10000, 100000]:
            script = generated(kind, n)
            label = f"{kind}-{n}"
            yield label, ["grad", "{FILE}"], script
            if n <= 1000:
                yield label, ["grad"], script
                yield label, ["hessian", "-"], script
                yield label, ["grad", "-", "--at", "x0=-0.25"], script
                v = "a=1,b=-0.5,c=0.25" if kind == "chain3" else "x0=1"
                yield label, ["hvp", "-", "--v", v], script
            if n <= 100:
                yield label, ["export", "-"], script
                yield label, ["export", "-", "--svg", "{OUT}/g.svg", "--dot", "{OUT}/g.dot"], script
            if n >= 10000 and kind == "chain3":
                yield label, ["hessian", "{FILE}"], script
                yield label, ["hvp", "{FILE}", "--v", "a=1,b=-0.5,c=0.25"], script

    # Error and edge cases, on `grad`, `hessian` and `export`.
    scripts = [
        "", "\n", ";", ";;\n;", "# only a comment", "# a comment\n\n;\n", "   \t  \r\n",
        "x = 1", "x = 1\n", "x = 1\r\ny = x * 2\r\n", "x = 1\r\n\r\ny = x\r", "\ty\t=\t2\t",
        "x = 2 ;; y = x * 3 # trailing\n", "x=1;y=x+1;z=y*y", "x = 1 # é ünïcode 😀\ny = x",
        "# é\nx = 1\ny = é", "x = 1\ny = x é", "y = $", "y = 1 $ 2", "y = 1 @ 2", "x = 1\ny = x $",
        "y = .", "y = 1e", "y = 1e+", "y = 1E-", "y = 1.2.3", "y = 1..2", "y = .5.", "y = 5.",
        "y = .5", "y = 1e400", "y = 1e-400", "y = -1e400", "y = 0.1234567890123456789",
        "y = 123456789012345678901234567890", "y = 9007199254740993", "y = 1.5e3 * 2.5E+4",
        "y = 000012.500", "x = -0.0\ny = x * 1", "x = 0\ny = log(x)", "x = -1\ny = sqrt(x)",
        "x = 0\ny = 1 / x", "x = 0\ny = x^0", "x = 0\ny = 0^x", "x = -2\ny = x^0.5",
        "x = -8\nk = (3)\ny = x^k", "x = 2\nn = x\ny = n^n", "x = 1e308\ny = x * x - x * x",
        "x = 0\ny = relu(x) + abs(x) + round(x) + round_ste(x)", "a = 1\nb = 1\ny = max(a, b) + min(a, b)",
        "x = 0.5\ny = exp(x) + log(x) + sqrt(x) + tanh(x) + sigmoid(x) + sin(x) + cos(x) + pow(x, 3)",
        "x = 1\ny = q", "x = 1\ny = q * 2", "x = 1\ny = foo(x)", "y = foo", "y = exp",
        "x = 1\ny = exp + x", "x = 1; y = exp(x, x)", "x = 1; y = max(x)", "x = 1; y = max(x, x, x)",
        "y = sin()", "y = pow(2)", "y = max(1,)", "y = max(,1)", "y = sin(", "y = sin 1",
        "y = sin(1", "y = (1 + 2", "y = (1 + 2))", "y = 1 + 2)", "y = ()", "y = (,)",
        "exp = 1", "x = 1\nsin = x", "round_ste = 2", "x = 1\nx = 2", "x = 1\n  x = x",
        "x = 1\nx = (2", "x = 1\nx = q", "x = 1\nx = 1 $", "x = 1\ny = x\nx = y * 2",
        "x = 2*3\nx = 5\ny = x", "x = (3)\nx = 4\ny = x", "x = 1\nh = x * 2\nh = h * 3\ny = h + x",
        "y 1", "3 = y", "= x", "x = 1\n= x", "y = 1 2", "y = x = 1", "y == 1", "y = ^2",
        "y = 2^", "y = 2**", "y = 2***3", "y = 2 * * 3", "y = 2^-1", "y = 2^3^2", "y = 2**3**2",
        "x = 3\ny = -x^2", "x = 3\ny = --x", "x = 3\ny = +-+x", "y = - 1", "y = -(1)", "x = - 2",
        "x = -.5\ny = x", "x = +1\ny = x", "x = 1 ;\n", "x = 1 # c\n; y = x",
        "_ = 1\n__a1 = _ * 2", "A = 1\na = 2\ny = A + a", "x1 = 1\nx11 = 2\nx111 = x1 + x11",
        "\ufeffx = 1", "x = 1\x00", "x = 1\ny = x\x0c", "x = 1\n\x7f",
        "x = 1\n" + "y = x\n" * 3 + "y = y + 1\n" * 3,
        "x" * 1000 + " = 1\ny = " + "x" * 1000,
        "x = 1\ny = " + "(" * 255 + "x" + ")" * 255,
        "x = 1\ny = " + "(" * 256 + "x" + ")" * 256,
        "x = 1\ny = " + "(" * 257 + "x" + ")" * 257,
        "x = 1\ny = " + "(" * 10000 + "x" + ")" * 10000,
        "x = 1\ny = " + "(" * 100000 + "1" + ")" * 100000,
        "x = 1\ny = " + "-" * 100001 + "x",
        "x = 1\ny = " + "sin(" * 300 + "x" + ")" * 300,
        "x = 1\ny = " + "sin(" * 200 + "x" + ")" * 200,
        "x = 1.0001\ny = " + "x^" * 300 + "x",
        "x = 1.0001\ny = " + "x^" * 200 + "x",
        "x = 1\ny = " + " + ".join(["x"] * 10000),
    ]
    for i, script in enumerate(scripts):
        data = script.encode()
        yield f"edge {i}", ["grad"], data
        yield f"edge {i}", ["hessian", "-"], data
        yield f"edge {i}", ["export", "-"], data
    # Bytes that are no UTF-8.
    for i, data in enumerate([b"x = 1\n\xff", b"\xc3", b"x = 1 # \xe9\ny = x", b"\xef\xbb\xbfx = 1"]):
        yield f"bytes {i}", ["grad"], data
        yield f"bytes {i}", ["grad", "{FILE}"], data

    # `--at`, `--v` and `--max-inputs`.
    script = b"x = 1\nw = -2\nh = x * w\nc = (3)\ny = h * c + x^2\n"
    for at in ["x=2", "x=-2.5", "w=+1e3", "x=.5", "x=5.", "x=1e400", "x=-0", "x=abc", "x=inf",
               "x=nan", "x=", "x", "=1", "q=1", "h=1", "c=1", "x=1 ", " x=1", "x=1e", "x=--1",
               "x=0x10", "x=1_000"]:
        for command in (["grad", "-"], ["hessian", "-"], ["export", "-"]):
            yield f"at {at}", command + ["--at", at], script
    yield "at twice", ["grad", "-", "--at", "x=2", "--at", "x=3", "--at", "w=1"], script
    for v in ["x=1", "x=1,w=-1", "w=2", "", "x=1,", "x", "x=abc", "x=nan", "q=1", "h=1",
              "x=1,x=2", "c=1"]:
        yield f"v {v}", ["hvp", "-", "--v", v], script
    yield "v twice", ["hvp", "-", "--v", "x=1", "--v", "w=.5", "--at", "x=-1"], script
    for limit in ["0", "1", "2", "3", "-1", "abc"]:
        yield f"max-inputs {limit}", ["hessian", "-", "--max-inputs", limit], script

    # Seeded random text over the language's alphabet, and random statements.
    rng = random.Random(26)
    alphabet = "abcxyz_019 =+-*/^(),;.#\n\t\reE"
    for i in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        yield f"random text {i}", ["grad"], text.encode()
    functions = ["sin", "exp", "tanh", "max", "min", "pow", "log", "abs", "relu", "foo"]
    for i in range(1500):
        names = []
        lines = []
        for _ in range(rng.randrange(1, 8)):
            name = rng.choice(["a", "b", "c", "x", "y", "w1", "exp"])
            pieces = []
            for _ in range(rng.randrange(1, 6)):
                choice = rng.random()
                if choice < 0.35 and names:
                    pieces.append(rng.choice(names))
                elif choice < 0.6:
                    pieces.append(rng.choice(["1", "0.5", "2", "-3", ".25", "1e-2", "0"]))
                elif choice < 0.8:
                    pieces.append(rng.choice(functions) + "(" + rng.choice(names or ["1"]))
                    pieces.append(rng.choice([")", ", 2)", ""]))
                else:
                    pieces.append(rng.choice(["(", ")", "-", "+"]))
                pieces.append(rng.choice([" + ", " * ", " - ", " / ", "^", " ", ""]))
            lines.append(f"{name} = " + "".join(pieces).rstrip(" +*-/^"))
            names.append(name)
        text = rng.choice(["\n", ";", "\r\n"]).join(lines)
        inputs = rng.choice([[], ["--at", "x=2"], ["--at", "a=-1"]])
        yield f"random statements {i}", ["grad", "-"] + inputs, text.encode()
        if i % 5 == 0:
            yield f"random statements {i}", ["hessian", "-"], text.encode()
            yield f"random statements {i}", ["hvp", "-", "--v", "x=1,a=2"], text.encode()

    # Command lines recorded from tests/cli.rs, if a file of them is there: one case a
    # line, hex-encoded arguments joined by commas, a space, hex-encoded stdin or "-".
    path = os.path.join(HERE, "corpus-cli.txt")
    if not os.path.exists(path):
        return
    with open(path) as lines:
        for number, line in enumerate(lines):
            encoded_args, encoded_stdin = line.split()
            args = [bytes.fromhex(a).decode() for a in encoded_args.split(",") if a]
            stdin = b"" if encoded_stdin == "-" else bytes.fromhex(encoded_stdin)
            yield f"tests/cli.rs #{number}", args, stdin


def run(binary, args, stdin, folder):
    """Stdout, stderr, exit status and the files written into `folder`."""
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    path = os.path.join(folder, "..", os.path.basename(folder) + "-script.txt")
    with open(path, "wb") as f:
        f.write(stdin)
    argv = [binary] + [a.replace("{FILE}", path).replace("{OUT}", folder) for a in args]
    out = subprocess.run(argv, input=stdin, capture_output=True, timeout=600)
    files = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            files[name] = f.read()
    # Paths of the binary's own folder may appear in messages: make them the same.
    clean = lambda b: b.replace(folder.encode(), b"{OUT}").replace(path.encode(), b"{FILE}")
    return clean(out.stdout), clean(out.stderr), out.returncode, files


def main():
    count = differ = 0
    with tempfile.TemporaryDirectory() as work:
        # Both under the name `backprop-lab`, which usage errors print.
        old, new = (os.path.join(work, f"{which}-bin", "backprop-lab") for which in ("old", "new"))
        for source, copy in zip(sys.argv[1:3], (old, new)):
            os.makedirs(os.path.dirname(copy))
            shutil.copy2(source, copy)
        for label, args, stdin in cases():
            count += 1
            a = run(old, args, stdin, os.path.join(work, "old"))
            b = run(new, args, stdin, os.path.join(work, "new"))
            if a != b:
                differ += 1
                what = [part for part, x, y in zip(["stdout", "stderr", "status", "files"], a, b)
                        if x != y]
                print(f"DIFFERS ({', '.join(what)}): {label}: {args}: {stdin[:80]!r}", flush=True)
                print(f"    old: {a[1][:200]!r} {a[0][:200]!r}\n    new: {b[1][:200]!r} {b[0][:200]!r}")
    print(f"{count} cases, {count - differ} identical, {differ} different")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
