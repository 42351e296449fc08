"""The expected meaning of KernelScript integer arithmetic.

A small evaluator written from docs/LANGUAGE.md, sections "Integer
arithmetic", "Integer conversions" and "print", with Python's unbounded
integers.  It knows nothing of the compiler: gen.py builds programs out of
the node classes below, renders them as KernelScript, and asks this module
what each one must compute and print.

A value is a pair (type, value):
  - type is one of INT_TYPES, 'bool', or CONST for a constant expression;
  - value is the exact mathematical integer (for CONST, the value computed
    as on paper; for a type, a value inside that type's range; for bool,
    0 or 1).

eval_expr also collects *tags*, names of the features an expression uses
(signed division, a zero divisor, a shift count past the width, ...), so
that gen.py can leave features out, and *ambiguities*, the places where
LANGUAGE.md allows more than one reading (see AMBIGUOUS below).
"""

CONST = 'const'

# name: (bits, signed)
INT_TYPES = {
    'u8': (8, False), 'u16': (16, False), 'u32': (32, False), 'u64': (64, False),
    'i8': (8, True), 'i16': (16, True), 'i32': (32, True), 'i64': (64, True),
}

# The readings LANGUAGE.md leaves open.  gen.py avoids them unless asked;
# where they occur the model follows the reading given here.
AMBIGUOUS = {
    'amb-constbits':
        '~, &, |, ^ and >> of negative constants "as on paper": read as '
        'infinite two\'s complement (~5 is -6, -8 >> 1 is -4)',
    'amb-condconst':
        'c ? a : b with both a and b constants: each typed by its own value, '
        'then the common type (c ? -1 : 5 is the u32 4294967295)',
}


class ModelError(Exception):
    """The program is not one the model gives a meaning to (a generator bug)."""


def bits(t):
    return INT_TYPES[t][0]


def signed(t):
    return INT_TYPES[t][1]


def type_min(t):
    n, s = INT_TYPES[t]
    return -(1 << (n - 1)) if s else 0


def type_max(t):
    n, s = INT_TYPES[t]
    return (1 << (n - 1)) - 1 if s else (1 << n) - 1


def fits(v, t):
    return type_min(t) <= v <= type_max(t)


def wrap(v, t):
    """v converted to t: modulo 2^N, read back in two's complement."""
    if t == 'bool':
        return 1 if v != 0 else 0
    n, s = INT_TYPES[t]
    v &= (1 << n) - 1
    if s and v >> (n - 1):
        v -= 1 << n
    return v


def type_by_value(v):
    """The type of a constant that nothing else types."""
    if v < 0:
        if v >= -(1 << 31):
            return 'i32'
        if v >= -(1 << 63):
            return 'i64'
        raise ModelError('constant %d below the i64 range' % v)
    if v <= (1 << 32) - 1:
        return 'u32'
    if v <= (1 << 64) - 1:
        return 'u64'
    raise ModelError('constant %d above the u64 range' % v)


def promote(t):
    """Arithmetic works on at least 32 bits."""
    if t == 'bool' or bits(t) < 32:
        return 'i32'
    return t


def common(a, b):
    """The common type of two promoted types."""
    a, b = promote(a), promote(b)
    if bits(a) != bits(b):
        return a if bits(a) > bits(b) else b
    if signed(a) == signed(b):
        return a
    return a if not signed(a) else b


def trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def trunc_rem(a, b):
    return a - b * trunc_div(a, b)


ARITH = ('+', '-', '*', '/', '%', '&', '|', '^')
OPNAMES = {'+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '&': 'and',
           '|': 'or', '^': 'xor', '<<': 'shl', '>>': 'shr'}
SHIFTS = ('<<', '>>')
COMPARE = ('==', '!=', '<', '<=', '>', '>=')
LOGIC = ('&&', '||')


def exact(op, a, b):
    """op on two constants, computed as on paper."""
    if op == '+':
        return a + b
    if op == '-':
        return a - b
    if op == '*':
        return a * b
    if op == '/':
        if b == 0:
            raise ModelError('constant divided by the constant 0')
        return trunc_div(a, b)
    if op == '%':
        if b == 0:
            raise ModelError('constant remainder by the constant 0')
        return trunc_rem(a, b)
    if op == '&':
        return a & b
    if op == '|':
        return a | b
    if op == '^':
        return a ^ b
    if op == '<<':
        if b < 0 or b > 64:
            raise ModelError('constant shift by %d' % b)
        return a << b
    if op == '>>':
        if b < 0 or b > 64:
            raise ModelError('constant shift by %d' % b)
        return a >> b
    raise ModelError('no operator ' + op)


def arith(op, t, a, b, tags):
    """op on two values already converted to the common type t."""
    if op == '+':
        r = a + b
    elif op == '-':
        r = a - b
    elif op == '*':
        r = a * b
    elif op in ('/', '%'):
        tags.add('sdiv' if signed(t) else 'udiv')
        if b == 0:
            tags.add('div0')
            r = 0 if op == '/' else a
        elif signed(t) and a == type_min(t) and b == -1:
            tags.add('divmin')
            r = a if op == '/' else 0
        else:
            r = trunc_div(a, b) if op == '/' else trunc_rem(a, b)
    elif op == '&':
        r = a & b
    elif op == '|':
        r = a | b
    elif op == '^':
        r = a ^ b
    else:
        raise ModelError('no operator ' + op)
    return wrap(r, t)


def compare(op, a, b):
    return int({'==': a == b, '!=': a != b, '<': a < b, '<=': a <= b,
                '>': a > b, '>=': a >= b}[op])


# ---- expressions ----

class Node:
    pass


class Lit(Node):
    """An integer or character literal; text is how it is written."""
    def __init__(self, value, text):
        self.value, self.text = value, text


class CharLit(Lit):
    """A character literal: a char, one byte, which arithmetic promotes as
    it does a u8 (not a constant expression)."""


class Sizeof(Node):
    def __init__(self, t):
        self.t = t


class Name(Node):
    """A name with a type: a global, a local, a typed const, a field
    (text 'sv.f_u8'), the loop variable.  Its value is read from the
    environment."""
    def __init__(self, text, t):
        self.text, self.t = text, t


class ConstName(Node):
    """A const declared without a type: a constant expression."""
    def __init__(self, text, value):
        self.text, self.value = text, value


class MapGet(Node):
    """m[k]: the value, or zero when the key is absent."""
    def __init__(self, m, key):
        self.m, self.key = m, key


class Unary(Node):
    def __init__(self, op, e):
        self.op, self.e = op, e


class Binary(Node):
    def __init__(self, op, l, r):
        self.op, self.l, self.r = op, l, r


class Cast(Node):
    def __init__(self, e, t):
        self.e, self.t = e, t


class Cond(Node):
    def __init__(self, c, a, b):
        self.c, self.a, self.b = c, a, b


class Env:
    """Values of the names (by their text) and the maps' contents."""
    def __init__(self):
        self.values = {}        # text -> (type, value)
        self.maps = {}          # map name -> (key type, value type, kind, dict)


def constant_typed(v, other, tags):
    """The type a constant takes beside an operand of type other: that
    operand's type after promotion (i32 beside a u8), if v fits it."""
    if other != 'bool':
        other = promote(other)
        if fits(v, other):
            return other
    return type_by_value(v)


def eval_expr(e, env, tags):
    """(type, value) of e; adds the features e uses to tags."""
    if isinstance(e, CharLit):
        tags.add('literal')
        return 'u8', e.value
    if isinstance(e, Lit):
        tags.add('literal')
        if not (0 <= e.value <= (1 << 64) - 1):
            raise ModelError('literal out of 64 bits')
        return CONST, e.value
    if isinstance(e, Sizeof):
        return CONST, bits(e.t) // 8
    if isinstance(e, ConstName):
        tags.add('untypedconst')
        return CONST, e.value
    if isinstance(e, Name):
        if getattr(e, 'tag', None):
            tags.add(e.tag)
        return env.values[e.text]
    if isinstance(e, MapGet):
        kt, vt, _, entries = env.maps[e.m]
        k = eval_typed(e.key, kt, env, tags)
        return vt, entries.get(k, 0)
    if isinstance(e, Unary):
        t, v = eval_expr(e.e, env, tags)
        if e.op == '!':
            if t != 'bool':
                raise ModelError('! of a non-bool')
            return 'bool', 1 - v
        if t == 'bool':
            raise ModelError(e.op + ' of a bool')
        if t == CONST:
            if e.op == '-':
                return CONST, check_const(-v)
            tags.add('amb-constbits')
            return CONST, check_const(~v)
        p = promote(t)
        return p, wrap(-v if e.op == '-' else ~v, p)
    if isinstance(e, Cast):
        t, v = eval_expr(e.e, env, tags)
        tags.add('cast')
        if t == CONST:
            t = type_by_value(v)
        if e.t == 'bool':
            return 'bool', int(v != 0)
        return e.t, wrap(v, e.t)
    if isinstance(e, Cond):
        tags.add('ternary')
        ct, cv = eval_expr(e.c, env, tags)
        if ct != 'bool':
            raise ModelError('condition is not a bool')
        at, av = eval_expr(e.a, env, tags)
        bt, bv = eval_expr(e.b, env, tags)
        if 'bool' in (at, bt):
            raise ModelError('bool arm of ?:')
        if at == CONST and bt == CONST:
            tags.add('amb-condconst')
            at, bt = type_by_value(av), type_by_value(bv)
        elif at == CONST:
            at = constant_typed(av, bt, tags)
        elif bt == CONST:
            bt = constant_typed(bv, at, tags)
        t = common(at, bt)
        return t, wrap(av if cv else bv, t)
    if isinstance(e, Binary):
        return eval_binary(e, env, tags)
    raise ModelError('unknown node %r' % e)


def check_const(v):
    if not (-(1 << 63) <= v <= (1 << 64) - 1):
        raise ModelError('constant %d out of 64 bits' % v)
    return v


def eval_binary(e, env, tags):
    op = e.op
    lt, lv = eval_expr(e.l, env, tags)
    rt, rv = eval_expr(e.r, env, tags)
    if op in LOGIC:
        if lt != 'bool' or rt != 'bool':
            raise ModelError(op + ' of non-bools')
        return 'bool', int(bool(lv) and bool(rv)) if op == '&&' else int(bool(lv) or bool(rv))
    if 'bool' in (lt, rt):
        raise ModelError(op + ' of a bool')
    if op in COMPARE:
        tags.add('compare')
        if CONST not in (lt, rt) and signed(lt) != signed(rt):
            tags.add('mixedcompare')
        # compared as numbers, whatever the types
        return 'bool', compare(op, lv, rv)
    if lt == CONST and rt == CONST:
        if op in SHIFTS and rv < 0:
            raise ModelError('negative constant shift count')
        if op in ('&', '|', '^', '>>') and (lv < 0 or rv < 0):
            tags.add('amb-constbits')
        return CONST, check_const(exact(op, lv, rv))
    if op in SHIFTS:
        tags.add('shift')
        if lt == CONST:
            # the count gives the constant no type: it is typed by its value
            lt = type_by_value(lv)
        t = promote(lt)
        n = bits(t)
        if not (0 <= rv < n):
            tags.add('bigshift')
        count = rv % n
        lv = wrap(lv, t)
        if op == '<<':
            return t, wrap(lv << count, t)
        if signed(t):
            return t, lv >> count      # Python's >> copies the sign
        return t, (lv % (1 << n)) >> count
    if op not in ARITH:
        raise ModelError('no operator ' + op)
    if lt == CONST:
        lt = constant_typed(lv, rt, tags)
    if rt == CONST:
        rt = constant_typed(rv, lt, tags)
    t = common(lt, rt)
    if signed(promote(lt)) != signed(promote(rt)):
        tags.add('mixedsign')
    if bits(lt) < 32 or bits(rt) < 32:
        tags.add('narrow')
    return t, arith(op, t, wrap(lv, t), wrap(rv, t), tags)


def eval_typed(e, t, env, tags):
    """e given to a place of type t: its value converted to t."""
    et, v = eval_expr(e, env, tags)
    if et == 'bool' and t != 'bool':
        raise ModelError('bool into an integer place')
    return wrap(v, t)


def compound(op, place_type, old, e, env, tags):
    """The new value of a place of type place_type holding old, after
    'place op= e': place = place op e, converted back to the place's type."""
    tmp = '$place'
    env.values[tmp] = (place_type, old)
    t, v = eval_binary(Binary(op, Name(tmp, place_type), e), env, tags)
    del env.values[tmp]
    return wrap(v, place_type)


# ---- print ----

def format_one(conv, t, v):
    """One conversion (d i u x, length modifiers already dropped) of a
    value of type t."""
    if t == CONST:
        t = type_by_value(v)
    if conv in 'diu':
        return str(v)
    if conv == 'x':
        return '%x' % (v % (1 << bits(t)))
    raise ModelError('conversion %' + conv)


def format_print(fmt, args):
    """What print(fmt, args...) writes (a line, without its newline).
    args are (type, value) pairs; a conversion is % [l|ll|h] (d|i|u|x)."""
    out, i, k = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c != '%':
            out.append(c)
            i += 1
            continue
        j = i + 1
        if fmt[j] == '%':
            out.append('%')
            i = j + 1
            continue
        while fmt[j] in 'lh':
            j += 1
        t, v = args[k]
        k += 1
        out.append(format_one(fmt[j], t, v))
        i = j + 1
    if k != len(args):
        raise ModelError('format and arguments disagree')
    return ''.join(out)


# ---- statements ----
#
# Places: Name (a local or a field, by its text) and MapGet.

class Decl:
    """var name[: t] = e"""
    def __init__(self, name, t, e):
        self.name, self.t, self.e = name, t, e


class Assign:
    """place = e, or place op= e when op is given."""
    def __init__(self, place, e, op=None):
        self.place, self.e, self.op = place, e, op


class If:
    def __init__(self, c, then, other):
        self.c, self.then, self.other = c, then, other


class For:
    """for (var in lo..hi) { body }, lo and hi constants: the loop variable
    counts from lo up to hi - 1."""
    def __init__(self, var, lo, hi, body):
        self.var, self.lo, self.hi, self.body = var, lo, hi, body


class Observe:
    """The result of an item: print(fmt, e) in userspace; in eBPF code
    out[index] = e as u64."""
    def __init__(self, index, e, fmt):
        self.index, self.e, self.fmt = index, e, fmt


def loop_type(lo, hi):
    """The loop variable's type for constant bounds: as for 'var j = lo'
    and 'var j = hi', one type for both (LANGUAGE.md: -3..2 counts with an
    i32)."""
    if lo < 0 or hi < 0:
        for t in ('i32', 'i64'):
            if fits(lo, t) and fits(hi, t):
                return t
    else:
        for t in ('u32', 'u64'):
            if fits(lo, t) and fits(hi, t):
                return t
    raise ModelError('loop bounds %d..%d' % (lo, hi))


def place_type(place, env):
    if isinstance(place, Name):
        return env.values[place.text][0]
    return env.maps[place.m][1]


def place_read(place, env, tags):
    if isinstance(place, Name):
        return env.values[place.text][1]
    return eval_expr(place, env, tags)[1]


def place_write(place, v, env, tags):
    if isinstance(place, Name):
        t = env.values[place.text][0]
        env.values[place.text] = (t, v)
    else:
        kt, vt, _, entries = env.maps[place.m]
        entries[eval_typed(place.key, kt, env, tags)] = v


def run(stmts, env, tags, results):
    """Runs stmts; appends (index, type, value, fmt) of each Observe."""
    for s in stmts:
        if isinstance(s, Decl):
            if s.t is None:
                t, v = eval_expr(s.e, env, tags)
                if t == CONST:
                    t = type_by_value(v)
                if t == 'bool':
                    raise ModelError('bool local')
            else:
                t, v = s.t, eval_typed(s.e, s.t, env, tags)
            env.values[s.name] = (t, v)
        elif isinstance(s, Assign):
            t = place_type(s.place, env)
            if s.op is None:
                v = eval_typed(s.e, t, env, tags)
            else:
                tags.add('compound')
                if isinstance(s.place, MapGet):
                    tags.add('mapcompound')
                    tags.add('map' + OPNAMES[s.op])
                old = place_read(s.place, env, tags)
                v = compound(s.op, t, old, s.e, env, tags)
            place_write(s.place, v, env, tags)
        elif isinstance(s, If):
            ct, cv = eval_expr(s.c, env, tags)
            if ct != 'bool':
                raise ModelError('if of a non-bool')
            run(s.then if cv else s.other, env, tags, results)
        elif isinstance(s, For):
            tags.add('loop')
            if s.lo < 0 or s.hi < 0:
                tags.add('negloop')
            t = loop_type(s.lo, s.hi)
            for i in range(s.lo, s.hi):
                env.values[s.var] = (t, i)
                run(s.body, env, tags, results)
            env.values.pop(s.var, None)
        elif isinstance(s, Observe):
            t, v = eval_expr(s.e, env, tags)
            results.append((s.index, t, v, s.fmt))
        else:
            raise ModelError('unknown statement %r' % s)
