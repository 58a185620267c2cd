#!/usr/bin/env python3
"""Package cycles among io.viewpulse packages, read from the imports and qualified names in Java sources.

Usage (from the repository root): python3 tools/package-cycles.py server/src/main/java client/src/main/java \
    loadgen/src/main/java bench/src/main/java
Prints the packages, their dependencies and each group of packages that depend on each other in a circle, with the
files behind each edge; exits 1 when there is such a group. Comments and string literals are not read.
"""
import os, re, sys
from collections import defaultdict

roots = sys.argv[1:]
edges = defaultdict(lambda: defaultdict(set))  # pkg -> dep -> files
pkgs = set()
ref = re.compile(r"\b(io\.viewpulse(?:\.[a-z][a-z0-9_]*)+)\.([A-Z]\w*)")
for root in roots:
    for d, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".java"):
                continue
            path = os.path.join(d, f)
            src = open(path, encoding="utf-8").read()
            m = re.search(r"^package\s+([\w.]+);", src, re.M)
            if not m:
                continue
            pkg = m.group(1)
            pkgs.add(pkg)
            # strip comments and string literals
            code = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
            code = re.sub(r"//[^\n]*", "", code)
            code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
            for m in ref.finditer(code):
                dep = m.group(1)
                if dep != pkg:
                    edges[pkg][dep].add(os.path.relpath(path))
# keep only known packages
graph = {p: {q for q in edges[p] if q in pkgs} for p in pkgs}
# Tarjan SCC
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        sccs.append(c)
for v in sorted(pkgs):
    if v not in index:
        strong(v)
cyc = [sorted(c) for c in sccs if len(c) > 1]
print(f"{len(pkgs)} packages, {sum(len(v) for v in graph.values())} dependencies, {len(cyc)} cycles (strongly connected groups)")
for c in cyc:
    print("CYCLE GROUP:", ", ".join(p.replace("io.viewpulse.", "") for p in c))
    for p in c:
        for q in sorted(graph[p]):
            if q in c:
                fs = sorted(edges[p][q])
                print(f"  {p.replace('io.viewpulse.','')} -> {q.replace('io.viewpulse.','')}: {len(fs)} files: {', '.join(os.path.basename(x) for x in fs[:6])}{' ...' if len(fs) > 6 else ''}")
sys.exit(1 if cyc else 0)
