def kib(n):
    return n * 1024
