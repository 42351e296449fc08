"""A Python module: only its top-level def lines matter to the checker.

def not_a_function(x):
    this line is inside the docstring
"""

import sys


def threshold():
    return 1000


def over(rate, limit=1000):
    return rate > limit


def describe(count: int) -> str:
    return f"{count} packets"


def healthy() -> bool:
    return True


def log(*parts, sep=" "):
    print(*parts, sep=sep, file=sys.stderr)


def window(start,
           end,
           step=1):
    return (end - start) // step


class Ignored:
    def method(self):
        return 0
