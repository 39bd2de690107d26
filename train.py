#!/usr/bin/env python
"""Train the default stance model from data/train (or the files given) and write models/ atomically.

    python train.py                       # data/train -> models/stance-default.joblib (+ .card.json)
    python train.py FILES... --out m.joblib --cv 5 --seed 13

Same options as `stance train`; this file exists so the model can be rebuilt without the CLI installed.
"""

from classifier.cli import app

if __name__ == "__main__":
    import sys

    app(["train", *sys.argv[1:]], prog_name="train.py")
