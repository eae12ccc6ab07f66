#!/usr/bin/env python3
"""Writes a synthetic battles file in LMArena's battle schema for measuring
`arena import battles` and `arena export battles`: N battles (default
100,000) among 20 models on 5,000 prompts, one in ten with two turns.
Deterministic (seed 1). Usage: release-battles.py [N] > battles.json"""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
random.seed(1)
models = [f"model-{i}" for i in range(20)]
prompts = [f"Question {i}: explain topic {i * 7 % 1000} in a few words." for i in range(5000)]
out = []
for i in range(n):
    a, b = random.sample(models, 2)
    p = random.choice(prompts)
    turns = 1 if random.random() < 0.9 else 2
    ca, cb = [], []
    for t in range(turns):
        q = p if t == 0 else "And more detail?"
        ca += [{"role": "user", "content": q}, {"role": "assistant", "content": f"Answer of {a} to {p[:12]} turn {t}. " * 3}]
        cb += [{"role": "user", "content": q}, {"role": "assistant", "content": f"Answer of {b} to {p[:12]} turn {t}. " * 3}]
    out.append({"question_id": f"{i:032x}", "model_a": a, "model_b": b,
                "winner": random.choice(["model_a", "model_b", "tie", "tie (bothbad)"]),
                "judge": f"arena_user_{i % 3000}", "conversation_a": ca, "conversation_b": cb,
                "turn": turns, "anony": True, "language": "English", "tstamp": 1.7e9 + i})
json.dump(out, sys.stdout)
