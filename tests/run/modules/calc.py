"""Functions the python test calls from KernelScript."""

import sys


def add(a, b):
    return a + b


def greet(name: str, excited: bool) -> str:
    return f"hello {name}{'!' if excited else ''}"


def is_even(n) -> bool:
    return n % 2 == 0


def code_of(c):
    return ord(c)


def shout(text):
    # Python's own output, in its place among the program's
    print(text.upper())


def long_text() -> str:
    # 400 bytes of UTF-8: the program keeps 255 of them, whole characters
    return "\u00e9" * 200


def fail(code):
    raise ValueError(f"bad code {code}")


def too_big():
    return 2 ** 70


def not_a_number():
    return 1.5


def stderr_note(text):
    print(text, file=sys.stderr)
