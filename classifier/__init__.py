"""stance — stance and framing toward actors in French and English news.

The library is the product; the ``stance`` command line is a thin layer over it::

    from classifier import StanceAnalyzer
    analyzer = StanceAnalyzer.load()              # the default model, trained on first use
    result = analyzer.analyze(open("article.txt").read())
    for actor in result.actors:
        print(actor.actor, actor.stance, actor.net_score)
"""

__version__ = "0.1.0"

from .errors import DataValidationError, StanceInputError  # noqa: E402

__all__ = [
    "DataValidationError",
    "StanceAnalyzer",
    "StanceClassifier",
    "StanceInputError",
    "TargetFeatures",
    "load_actors",
    "load_model",
    "read_labeled",
    "train",
    "evaluate",
]


def __getattr__(name):
    # Lazy exports keep `import classifier` (and the CLI's start-up) cheap.
    if name == "StanceAnalyzer":
        from .analysis import StanceAnalyzer

        return StanceAnalyzer
    if name == "StanceClassifier":
        from .model import StanceClassifier

        return StanceClassifier
    if name == "TargetFeatures":
        from .features import TargetFeatures

        return TargetFeatures
    if name == "load_actors":
        from .actors import load_actors

        return load_actors
    if name == "load_model":
        from .model import load_model

        return load_model
    if name == "read_labeled":
        from .data import read_labeled

        return read_labeled
    if name == "train":
        from .training import train

        return train
    if name == "evaluate":
        from .evaluation import evaluate

        return evaluate
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
