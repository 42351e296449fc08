"""Statistics for the import tests."""

def average(total, count):
    return total // count

def scale(value, factor=2, *, rounding=None):
    return value * factor

def _private_helper():
    return 0
