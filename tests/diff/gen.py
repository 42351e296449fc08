#!/usr/bin/env python3
"""Random KernelScript programs for the differential test of integer
arithmetic, with the results model.py expects of them.

  gen.py gen --seed S --items N --out DIR [--without F,...] [--ambiguous]
             [--drop I,...] [--batch B]
      writes into DIR:
        diffu.ks         userspace: prints every result
        diffu.args       its command line (the inputs, so that the C
                         compiler cannot fold them)
        diffu.expected   what it must print
        diffk.ks         eBPF: @xdp programs store every result, as u64,
                         in the array map 'out'; its main repeats the map
                         items in userspace and prints them
        diffk.progs      the names of its @xdp programs
        diffk.expected   'out[I] V' for every result
        diffk.user.expected  what its main must print
        items            one line per item: its index, tags and source
  gen.py compare DIR KIND ACTUAL
      KIND is user (diffu.expected), kuser (diffk.user.expected) or out
      (diffk.expected against a map dump); prints each mismatch with its
      item and exits 1 when there is one.
  gen.py locate DIR FILE.c LOG
      prints the indices of the items whose C code the errors of LOG
      (a compiler's output) point at.

The same seed and options give the same programs.  Items are independent
of each other, so --drop leaves the others' results unchanged: that is how
run.sh takes out the items a compiler cannot build.
"""

import argparse
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
from model import (Lit, CharLit, Sizeof, Name, ConstName, MapGet, Unary, Binary,  # noqa: E402
                   Cast, Cond, Decl, Assign, If, For, Observe, CONST)

TYPES = ['u8', 'u16', 'u32', 'u64', 'i8', 'i16', 'i32', 'i64']
OPNAMES = M.OPNAMES

# Features that --without can leave out (tags that model.py puts on
# expressions and gen.py on items).
FEATURES = {
    'sdiv': '/ or % in a signed type',
    'udiv': '/ or % in an unsigned type',
    'div0': 'a divisor that is 0',
    'divmin': 'the most negative value / or % -1',
    'shift': '<< and >>',
    'bigshift': 'a shift count outside 0..width-1',
    'compare': 'comparisons',
    'mixedcompare': 'comparisons of a signed and an unsigned operand',
    'mixedsign': 'arithmetic on a signed and an unsigned operand',
    'narrow': 'arithmetic with a u8/i8/u16/i16 operand',
    'ternary': 'c ? a : b',
    'cast': 'e as T',
    'untypedconst': 'consts declared without a type',
    'typedconst': 'consts declared with a type',
    'bigconst': 'constants outside -2^31..2^32-1',
    'compound': 'compound assignments',
    'mapcompound': 'm[k] op= e',
    'loop': 'for loops',
    'negloop': 'for loops with a negative bound',
    'struct': 'struct fields',
    'fmt': 'print with other conversions than %u of a u64 (userspace)',
    'if': 'if statements',
    'intmin': 'globals and typed consts of the most negative i32 or i64',
}
for _op, _n in OPNAMES.items():
    FEATURES['map' + _n] = 'm[k] %s= e' % _op


def literal_text(rng, v):
    """v >= 0 written in decimal or hexadecimal."""
    r = rng.random()
    if r < 0.55:
        return str(v)
    if r < 0.9:
        return '0x%x' % v
    return '0x%X' % v


INTERESTING = [0, 1, 2, 3, 5, 7, 8, 10, 15, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128,
               200, 255, 256, 300, 1000, 4095, 32767, 32768, 65535, 65536, 100000,
               0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 1 << 40,
               0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff]


def interesting_value(rng, t, no_min=False):
    lo, hi = M.type_min(t), M.type_max(t)
    if no_min and t in ('i32', 'i64'):
        lo += 1
    r = rng.random()
    if r < 0.35:
        c = rng.choice([0, 1, 2, 3, 7, -1, -2, -7, lo, hi, lo + 1, hi - 1,
                        hi // 2, lo // 2, 1 << (M.bits(t) - 2), -(1 << (M.bits(t) - 2))])
    elif r < 0.6:
        c = rng.randint(-20, 20)
    else:
        c = rng.randint(lo, hi)
    return max(lo, min(hi, c))


class Gen:
    def __init__(self, seed, without, ambiguous, batch):
        self.rng = random.Random(seed)
        self.seed = seed
        self.without = set(without)
        if not ambiguous:
            self.without |= set(M.AMBIGUOUS)
        self.batch = batch
        self.env = M.Env()
        self.globals = []       # (name, type, value)
        self.typed = []         # Name nodes that expressions may read
        self.consts = []        # untyped: (name, node, value)
        self.tconsts = []       # typed: (name, type, value)
        self.maps = []          # (name, kind, value type)
        self.scope = []         # extra Name nodes (locals, the loop variable)
        self.make_inputs()

    # ---- the program's fixed part ----

    def make_inputs(self):
        rng = self.rng
        for t in TYPES:
            for letter in 'abcd':
                name = 'g%s%s' % (letter, t)
                v = interesting_value(rng, t, 'intmin' in self.without)
                self.globals.append((name, t, v))
                self.env.values[name] = (t, v)
                self.typed.append(Name(name, t))
        # near the most negative values, and -1: for MIN / -1
        for t, v in (('i32', -(1 << 31) + 1), ('i64', -(1 << 63) + 1), ('i32', -1), ('i64', -1)):
            name = 'g%s%s' % ('low' if v != -1 else 'minus', t)
            self.globals.append((name, t, v))
            self.env.values[name] = (t, v)
            self.typed.append(Name(name, t))
        # the struct sv, read-only, its fields copied from globals
        self.sv_init = {}
        for t in TYPES:
            src = rng.choice([g for g in self.globals if g[1] == t])
            self.sv_init[t] = src[0]
            self.env.values['sv.f' + t] = (t, src[2])
            n = Name('sv.f' + t, t)
            n.tag = 'struct'
            self.typed.append(n)
        for t in TYPES:
            self.env.values['sw.f' + t] = (t, 0)
        # typed consts
        for i, t in enumerate(TYPES * 2):
            name = 'T%d%s' % (i, t.upper())
            v = interesting_value(rng, t, 'intmin' in self.without)
            self.tconsts.append((name, t, v))
            self.env.values[name] = (t, v)
            n = Name(name, t)
            n.tag = 'typedconst'
            self.typed.append(n)
        # untyped consts: constant expressions
        for i in range(8):
            for _ in range(50):
                node = self.gen_const(2)
                tags = set()
                try:
                    t, v = M.eval_expr(node, self.env, tags)
                except M.ModelError:
                    continue
                # a character literal makes it a typed value (-'>' is an
                # i32), not a constant expression
                if tags & self.without or t != M.CONST:
                    continue
                break
            else:
                node, v = Lit(i, str(i)), i
            name = 'C%d' % i
            self.consts.append((name, node, v))
        # pool locals, one of each type, assigned before each use
        for t in TYPES:
            self.env.values['p' + t] = (t, 0)
        for t in TYPES:
            for kind in ('hash', 'array'):
                name = '%s%s' % ('h' if kind == 'hash' else 'a', t)
                self.maps.append((name, kind, t))
                self.env.maps[name] = ('u32', t, kind, {})

    # ---- expressions ----

    def literal(self):
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            v = rng.randint(0, 20)
        elif r < 0.85:
            v = rng.choice(INTERESTING)
            v = max(0, v + rng.choice([0, 0, 0, -1, 1]))
        else:
            v = rng.randint(0, (1 << rng.choice([8, 16, 32, 63, 64])) - 1)
        v = min(v, (1 << 64) - 1)
        if rng.random() < 0.04 and 32 <= v <= 126 and chr(v) not in '\\\'':
            node = CharLit(v, "'%s'" % chr(v))
        else:
            node = Lit(v, literal_text(rng, v))
        if rng.random() < 0.25 and v <= 1 << 63:
            return Unary('-', node)
        return node

    def const_leaf(self):
        r = self.rng.random()
        if r < 0.75 or not self.consts:
            return self.literal()
        if r < 0.95:
            name, _, v = self.rng.choice(self.consts)
            return ConstName(name, v)
        return Sizeof(self.rng.choice(TYPES))

    def gen_const(self, depth):
        """A constant expression."""
        rng = self.rng
        if depth <= 0 or rng.random() < 0.4:
            return self.const_leaf()
        r = rng.random()
        if r < 0.15:
            return Unary(rng.choice('-~'), self.gen_const(depth - 1))
        op = rng.choice(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '<<', '+', '*'])
        left = self.gen_const(depth - 1)
        if op in M.SHIFTS:
            c = rng.randint(0, 40)
            return Binary(op, left, Lit(c, str(c)))
        return Binary(op, left, self.gen_const(depth - 1))

    def typed_leaf(self):
        pool = self.typed + self.scope
        if self.scope and self.rng.random() < 0.15:
            pool = self.scope
        return self.rng.choice(pool)

    def leaf(self):
        r = self.rng.random()
        if r < 0.6:
            return self.typed_leaf()
        if r < 0.9:
            return self.literal()
        return self.const_leaf()

    def ok(self, node):
        """True when node has a meaning and uses no left-out feature."""
        tags = set()
        try:
            t, v = M.eval_expr(node, self.env, tags)
            if has_big_constant(node, self.env):
                tags.add('bigconst')
        except M.ModelError:
            return False
        return not (tags & self.without)

    def gen_expr(self, depth):
        """An integer expression (typed or constant)."""
        for _ in range(30):
            node = self.try_expr(depth)
            if self.ok(node) and self.value_type(node) != 'bool':
                return node
        for _ in range(30):
            node = self.typed_leaf()
            if self.ok(node):
                return node
        return Lit(1, '1')

    def value_type(self, node):
        return M.eval_expr(node, self.env, set())[0]

    def try_expr(self, depth):
        rng = self.rng
        if depth <= 0 or rng.random() < 0.25:
            return self.leaf()
        r = rng.random()
        if r < 0.52:
            op = rng.choice(['+', '-', '*', '/', '%', '&', '|', '^', '+', '-', '*', '+', '-'])
            return Binary(op, self.gen_expr(depth - 1), self.operand(op, depth - 1))
        if r < 0.64:
            op = rng.choice(['<<', '>>'])
            return Binary(op, self.gen_expr(depth - 1), self.shift_count(depth - 1))
        if r < 0.72:
            return Unary(rng.choice('-~'), self.gen_expr(depth - 1))
        if r < 0.82:
            return Cast(self.gen_expr(depth - 1), rng.choice(TYPES))
        if r < 0.9:
            return Cond(self.gen_cond(depth - 1), self.gen_expr(depth - 1),
                        self.gen_expr(depth - 1))
        if r < 0.95:
            return Cast(self.gen_cond(depth - 1), rng.choice(TYPES))
        return self.gen_const(2)

    def operand(self, op, depth):
        """A right operand for op: divisors are mostly small."""
        rng = self.rng
        if op in '/%' and rng.random() < 0.5:
            v = rng.choice([1, 2, 3, 5, 7, 10, 16, 100, 1000, 0, 3, 6])
            lit = Lit(v, literal_text(rng, v))
            return Unary('-', lit) if rng.random() < 0.3 else lit
        return self.gen_expr(depth)

    def shift_count(self, depth):
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            c = rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 24, 31, 32, 33, 40, 63, 64, 65])
            return Lit(c, str(c))
        return self.gen_expr(depth)

    def gen_cond(self, depth):
        rng = self.rng
        for _ in range(30):
            r = rng.random()
            if r < 0.8 or depth <= 0:
                node = Binary(rng.choice(M.COMPARE), self.gen_expr(depth), self.gen_expr(depth))
            elif r < 0.9:
                node = Binary(rng.choice(M.LOGIC), self.gen_cond(depth - 1),
                              self.gen_cond(depth - 1))
            else:
                node = Unary('!', self.gen_cond(depth - 1))
            if self.ok(node):
                return node
        return Binary('==', self.typed_leaf(), self.typed_leaf())

    # ---- items ----

    def item(self, index, depth, in_bpf_batch_fresh):
        """One item: a list of statements ending in Observe, and its tags."""
        rng = self.rng
        for _ in range(40):
            self.scope = []
            saved = dict(self.env.values)
            kind = rng.choices(['expr', 'fmt', 'local', 'struct', 'map', 'loop', 'divmin'],
                               [30, 12, 22, 8, 12, 10, 2])[0]
            stmts, tags = getattr(self, 'item_' + kind)(index, depth, in_bpf_batch_fresh)
            self.scope = []
            # run it on a copy of the environment: it must mean something
            # and use no left-out feature
            env = M.Env()
            env.values = dict(saved)
            env.maps = {k: (a, b, c, dict(d)) for k, (a, b, c, d) in self.env.maps.items()}
            self.env.values = saved
            t = set(tags)
            try:
                results = []
                M.run(stmts, env, t, results)
            except M.ModelError:
                continue
            if any(r[1] == 'bool' and r[3] for r in results):
                continue
            for s in walk_exprs(stmts):
                if has_big_constant(s, env):
                    t.add('bigconst')
            if t & self.without:
                continue
            if any(literal_misfit(s.e, M.place_type(s.place, env) if isinstance(s, Assign)
                                  else s.t)
                   for s in walk_stmts(stmts)
                   if (isinstance(s, Assign) and s.op is None) or
                   (isinstance(s, Decl) and s.t)):
                continue
            return kind, stmts, t
        obs = Observe(index, Lit(index, str(index)), None)
        return 'expr', [obs], set()

    def item_expr(self, index, depth, fresh):
        return [Observe(index, self.gen_expr(depth), None)], set()

    def item_divmin(self, index, depth, fresh):
        """The most negative value divided by -1, or its remainder."""
        rng = self.rng
        t = rng.choice(['i32', 'i64'])
        low = Binary('-', Name('glow' + t, t), Lit(1, '1'))
        minus = Name('gminus' + t, t) if rng.random() < 0.7 else Unary('-', Lit(1, '1'))
        e = Binary(rng.choice('/%'), low, minus)
        if rng.random() < 0.5:
            e = Binary(rng.choice('+^|'), e, self.gen_expr(depth - 2))
        return [Observe(index, e, None)], set()

    def item_fmt(self, index, depth, fresh):
        rng = self.rng
        e = self.gen_expr(depth)
        fmt = rng.choice(['%d', '%i', '%u', '%x', '%ld', '%lld', '%lu', '%llu', '%lx', '%llx',
                          '%hd', '%hu', '%hx', '%li', '%lli', '%hi'])
        return [Observe(index, e, fmt)], {'fmt'}

    def new_local(self, index, fresh, t=None):
        """(name, type, declaring statement maker) for a local of the item."""
        rng = self.rng
        if fresh and rng.random() < 0.6:
            name = 'l%d' % index
            typed = rng.random() < 0.6
            return name, typed
        return None, None

    def item_local(self, index, depth, fresh):
        rng = self.rng
        stmts = []
        name, typed = self.new_local(index, fresh)
        init = self.gen_expr(depth)
        if name:
            if typed:
                t = rng.choice(TYPES)
                stmts.append(Decl(name, t, init))
            else:
                stmts.append(Decl(name, None, init))
                t, _ = M.eval_expr(init, self.env, set())
                t = M.type_by_value(_) if t == CONST else t
        else:
            t = rng.choice(TYPES)
            name = 'p' + t
            stmts.append(Assign(Name(name, t), init))
        place = Name(name, t)
        self.env.values[name] = (t, 0)
        self.scope.append(place)
        for _ in range(rng.randint(1, 3)):
            s = self.compound_stmt(place, depth)
            if rng.random() < 0.2:
                s = If(self.gen_cond(depth - 1), [s],
                       [self.compound_stmt(place, depth)] if rng.random() < 0.5 else [])
                stmts.append(s)
            else:
                stmts.append(s)
        stmts.append(Observe(index, place, None))
        return stmts, {'compound'} | ({'if'} if any(isinstance(s, If) for s in stmts) else set())

    def compound_stmt(self, place, depth):
        op = self.rng.choice(list(OPNAMES) + ['+', '-', '*', '^'])
        if op in M.SHIFTS:
            return Assign(place, self.shift_count(depth - 1), op)
        return Assign(place, self.operand(op, depth - 1), op)

    def item_struct(self, index, depth, fresh):
        rng = self.rng
        t = rng.choice(TYPES)
        place = Name('sw.f' + t, t)
        stmts = [Assign(place, self.gen_expr(depth))]
        for _ in range(rng.randint(1, 3)):
            stmts.append(self.compound_stmt(place, depth))
        stmts.append(Observe(index, place, None))
        return stmts, {'struct', 'compound'}

    def item_map(self, index, depth, fresh):
        rng = self.rng
        name, kind, t = rng.choice(self.maps)
        place = MapGet(name, Lit(index, str(index)))
        stmts = []
        if rng.random() < 0.75:
            stmts.append(Assign(place, self.gen_expr(depth)))
        for _ in range(rng.randint(1, 3)):
            stmts.append(self.compound_stmt(place, depth))
        stmts.append(Observe(index, place, None))
        return stmts, {'mapcompound', 'map'}

    def item_loop(self, index, depth, fresh):
        rng = self.rng
        lo = rng.randint(-6, 6)
        hi = lo + rng.randint(-1, 8)
        if rng.random() < 0.3:
            lo, hi = rng.randint(0, 3), rng.randint(0, 10)
        t = rng.choice(TYPES)
        acc = Name('p' + t, t)
        stmts = [Assign(acc, self.gen_expr(depth - 1))]
        try:
            lt = M.loop_type(lo, hi)
        except M.ModelError:
            lo, hi, lt = 0, 4, 'u32'
        var = Name('i', lt)
        self.env.values['i'] = (lt, lo)
        self.scope = [var, acc]
        body = [self.compound_stmt(acc, depth)]
        if rng.random() < 0.3:
            body.append(If(Binary(rng.choice(M.COMPARE), var, self.literal()),
                           [self.compound_stmt(acc, depth)], []))
        self.scope = []
        del self.env.values['i']
        stmts.append(For('i', lo, hi, body))
        stmts.append(Observe(index, acc, None))
        return stmts, {'loop', 'compound'}


def literal_misfit(e, t):
    """True when e is a literal (or a negated one) that does not fit t:
    an error in a place of type t (LANGUAGE.md, "Mistakes caught at
    compile time"), where a computed constant is only a warning."""
    neg = isinstance(e, Unary) and e.op == '-' and isinstance(e.e, Lit)
    if not (isinstance(e, Lit) or neg):
        return False
    v = -e.e.value if neg else e.value
    return not M.fits(v, t)


def walk_exprs(stmts):
    for s in stmts:
        if isinstance(s, (Decl, Assign)):
            yield s.e
            if isinstance(s, Assign) and isinstance(s.place, MapGet):
                yield s.place.key
        elif isinstance(s, If):
            yield s.c
            yield from walk_exprs(s.then)
            yield from walk_exprs(s.other)
        elif isinstance(s, For):
            yield from walk_exprs(s.body)
        elif isinstance(s, Observe):
            yield s.e


def walk_stmts(stmts):
    for s in stmts:
        yield s
        if isinstance(s, If):
            yield from walk_stmts(s.then)
            yield from walk_stmts(s.other)
        elif isinstance(s, For):
            yield from walk_stmts(s.body)


def has_big_constant(node, env):
    """True when a constant (sub-)expression of node is outside
    -2^31..2^32-1."""
    for n in subnodes(node):
        if isinstance(n, (Lit, ConstName, Unary, Binary)):
            try:
                t, v = M.eval_expr(n, env, set())
            except (M.ModelError, KeyError):
                continue
            if t == CONST and not (-(1 << 31) <= v <= (1 << 32) - 1):
                return True
    return False


def subnodes(n):
    yield n
    for attr in ('e', 'l', 'r', 'c', 'a', 'b', 'key'):
        child = getattr(n, attr, None)
        if isinstance(child, M.Node):
            yield from subnodes(child)


# ---- rendering ----

def leafy(n):
    return isinstance(n, (Lit, Sizeof, Name, ConstName, MapGet)) and not (
        isinstance(n, Lit) and n.text.startswith('-'))


def r_expr(n):
    if isinstance(n, Lit):
        return n.text
    if isinstance(n, Sizeof):
        return 'sizeof(%s)' % n.t
    if isinstance(n, (Name, ConstName)):
        return n.text
    if isinstance(n, MapGet):
        return '%s[%s]' % (n.m, r_expr(n.key))
    if isinstance(n, Unary):
        return n.op + r_sub(n.e)
    if isinstance(n, Binary):
        return '%s %s %s' % (r_sub(n.l), n.op, r_sub(n.r))
    if isinstance(n, Cast):
        return '%s as %s' % (r_sub(n.e), n.t)
    if isinstance(n, Cond):
        return '%s ? %s : %s' % (r_sub(n.c), r_sub(n.a), r_sub(n.b))
    raise ValueError(n)


def r_sub(n):
    return r_expr(n) if leafy(n) else '(' + r_expr(n) + ')'


def r_stmts(stmts, indent, observe):
    out = []
    pad = '    ' * indent
    for s in stmts:
        if isinstance(s, Decl):
            ty = ': ' + s.t if s.t else ''
            out.append('%svar %s%s = %s' % (pad, s.name, ty, r_expr(s.e)))
        elif isinstance(s, Assign):
            out.append('%s%s %s= %s' % (pad, r_expr(s.place), s.op or '', r_expr(s.e)))
        elif isinstance(s, If):
            out.append('%sif (%s) {' % (pad, r_expr(s.c)))
            out += r_stmts(s.then, indent + 1, observe)
            if s.other:
                out.append('%s} else {' % pad)
                out += r_stmts(s.other, indent + 1, observe)
            out.append(pad + '}')
        elif isinstance(s, For):
            out.append('%sfor (%s in %d..%d) {' % (pad, s.var, s.lo, s.hi))
            out += r_stmts(s.body, indent + 1, observe)
            out.append(pad + '}')
        elif isinstance(s, Observe):
            out.append(pad + observe(s))
    return out


def observe_user(s):
    if s.fmt:
        return 'print("e%d %s", %s)' % (s.index, s.fmt, r_expr(s.e))
    return 'print("e%d %%u", %s as u64)' % (s.index, r_sub(s.e))


def observe_bpf(s):
    return 'out[%d] = %s as u64' % (s.index, r_sub(s.e))


HEADER = """\
// Generated by tests/diff/gen.py --seed %d --items %d%s
// Differential test of integer arithmetic: every result is compared with
// what docs/LANGUAGE.md ("Integer arithmetic") says it must be.
"""

# A rendered program is a list of (line, owner): owner is the index of the
# item the line belongs to, the name of the const it declares, or None.
# run.sh uses the owners to take out the items a compiler error points at.


def names_in(items):
    text = '\n'.join(line for it in items for line in it['src'])
    return set(re.findall(r'[A-Za-z_]\w*', text))


def used_consts(g, items):
    """The consts that items use, and those that those use."""
    used = names_in(items)
    while True:
        more = set()
        for name, node, v in g.consts:
            if name in used:
                more |= set(re.findall(r'[A-Za-z_]\w*', r_expr(node)))
        if more <= used:
            return used
        used |= more


def render_common(g, items, lines):
    used = used_consts(g, items)
    lines.append(('struct Vals {', None))
    for t in TYPES:
        lines.append(('    f%s: %s,' % (t, t), None))
    lines.append(('}', None))
    lines.append(('', None))
    for name, t, v in g.globals:
        lines.append(('var %s: %s = %d' % (name, t, v), None))
    lines.append(('', None))
    for name, t, v in g.tconsts:
        if name in used:
            lines.append(('const %s: %s = %d' % (name, t, v), name))
    for name, node, v in g.consts:
        if name in used:
            lines.append(('const %s = %s' % (name, r_expr(node)), name))
    lines.append(('', None))


def render_prologue(g, items, pad):
    """The locals each function starts with, those that items use (an
    unused local would be a C warning, and the generated C is built with
    -Werror)."""
    used = names_in(items)
    lines = []
    if 'sv' in used:
        lines.append('%svar sv = Vals { %s }' % (pad, ', '.join(
            'f%s: %s' % (t, g.sv_init[t]) for t in TYPES)))
    if 'sw' in used:
        lines.append('%svar sw = Vals { %s }' % (pad, ', '.join('f%s: 0' % t for t in TYPES)))
    for t in TYPES:
        if 'p' + t in used:
            lines.append('%svar p%s: %s = 0' % (pad, t, t))
    return [(line, None) for line in lines]


def render_items(items, observe):
    lines = []
    for it in items:
        lines += [(line, it['index']) for line in r_stmts(it['stmts'], 1, observe)]
    return lines


def render_user(g, items, header):
    lines = [(header, None)]
    render_common(g, items, lines)
    lines.append(('struct Args {', None))
    for name, t, v in g.globals:
        lines.append(('    %s: %s,' % (name, t), None))
    lines.append(('}', None))
    lines.append(('', None))
    lines.append(('fn main(args: Args) -> i32 {', None))
    for name, t, v in g.globals:
        lines.append(('    %s = args.%s' % (name, name), None))
    lines += render_prologue(g, items, '    ')
    lines += render_items(items, observe_user)
    lines.append(('    return 0', None))
    lines.append(('}', None))
    return lines


def render_bpf(g, items, batches, header):
    lines = [(header, None)]
    render_common(g, items, lines)
    n = max([it['index'] for it in items] + [0]) + 1
    lines.append(('var out: array<u32, u64>(%d)' % n, None))
    used = names_in(items)
    for name, kind, t in g.maps:
        if name in used:
            lines.append(('var %s: %s<u32, %s>(%d)' % (name, kind, t, n), None))
    lines.append(('', None))
    for b, batch in enumerate(batches):
        lines.append(('@xdp', None))
        lines.append(('fn batch%d(ctx: *xdp_md) -> xdp_action {' % b, None))
        lines += render_prologue(g, batch, '    ')
        lines += render_items(batch, observe_bpf)
        lines.append(('    return XDP_PASS', None))
        lines.append(('}', None))
        lines.append(('', None))
    lines.append(('fn main() -> i32 {', None))
    if batches:
        lines.append(('    var prog = load(batch0)', None))
    mapped = [it for it in items if it['kind'] == 'map']
    lines += render_prologue(g, mapped, '    ')
    lines += render_items(mapped, observe_user)
    lines.append(('    return 0', None))
    lines.append(('}', None))
    return lines


def write_program(d, name, lines):
    """NAME.ks, and NAME.owners: for each line of it, its owner."""
    text = '\n'.join(line for line, owner in lines) + '\n'
    with open(os.path.join(d, name + '.ks'), 'w') as f:
        f.write(text)
    with open(os.path.join(d, name + '.owners'), 'w') as f:
        n = 1
        for line, owner in lines:
            for _ in line.split('\n'):
                if owner is not None:
                    f.write('%d %s\n' % (n, owner))
                n += 1


def expected_lines(g, items, user):
    env = M.Env()
    env.values = dict(g.env.values)
    env.maps = {k: (a, b, c, {}) for k, (a, b, c, d) in g.env.maps.items()}
    out = []
    for it in items:
        results = []
        M.run(it['stmts'], env, set(), results)
        for index, t, v, fmt in results:
            if not user:
                out.append('out[%d] %d' % (index, M.wrap(v, 'u64')))
            elif fmt:
                out.append('e%d %s' % (index, M.format_print(fmt, [(t, v)])))
            else:
                out.append('e%d %d' % (index, M.wrap(v, 'u64')))
    return out


def cmd_gen(a):
    without = set(filter(None, a.without.split(',')))
    unknown = without - set(FEATURES) - set(M.AMBIGUOUS)
    if unknown:
        sys.exit('gen.py: unknown feature(s): %s (known: %s)' % (
            ', '.join(sorted(unknown)), ', '.join(sorted(FEATURES))))
    drop = set(int(x) for x in a.drop.split(',') if x)
    g = Gen(a.seed, without, a.ambiguous, a.batch)
    items = []
    fresh_in_batch = 0
    for i in range(a.items):
        if i % a.batch == 0:
            fresh_in_batch = 0
        depth = g.rng.choice([1, 2, 2, 3, 3, 4])
        kind, stmts, tags = g.item(i, depth, fresh_in_batch < 12)
        if any(isinstance(s, Decl) for s in stmts):
            fresh_in_batch += 1
        items.append({'index': i, 'kind': kind, 'stmts': stmts, 'tags': tags,
                      'src': r_stmts(stmts, 0, observe_user if kind == 'fmt' else observe_bpf)})
    kept = [it for it in items if it['index'] not in drop]
    opts = ''
    if a.without:
        opts += ' --without ' + a.without
    if a.ambiguous:
        opts += ' --ambiguous'
    if a.batch != 40:
        opts += ' --batch %d' % a.batch
    if drop:
        opts += ' --drop ' + ','.join(str(d) for d in sorted(drop))
    header = HEADER % (a.seed, a.items, opts)
    os.makedirs(a.out, exist_ok=True)

    def write(name, text):
        with open(os.path.join(a.out, name), 'w') as f:
            f.write(text)

    user_items = [it for it in kept if it['kind'] != 'map']
    write_program(a.out, 'diffu', render_user(g, user_items, header))
    write('diffu.args', ' '.join('--%s=%d' % (n, v) for n, t, v in g.globals) + '\n')
    write('diffu.expected', ''.join(line + '\n' for line in expected_lines(g, user_items, True)))
    batches = [kept[i:i + a.batch] for i in range(0, len(kept), a.batch)]
    write_program(a.out, 'diffk', render_bpf(g, kept, batches, header))
    write('diffk.progs', ''.join('batch%d\n' % b for b in range(len(batches))))
    write('diffk.expected', ''.join(line + '\n' for line in expected_lines(g, kept, False)))
    mapped = [it for it in kept if it['kind'] == 'map']
    write('diffk.user.expected', ''.join(line + '\n' for line in expected_lines(g, mapped, True)))
    with open(os.path.join(a.out, 'uses'), 'w') as f:
        for it in items:
            f.write('%d %s\n' % (it['index'], ' '.join(sorted(used_consts(g, [it])))))
    with open(os.path.join(a.out, 'items'), 'w') as f:
        for it in items:
            f.write('item %d%s [%s]: %s\n' % (
                it['index'], ' (dropped)' if it['index'] in drop else '',
                ' '.join(sorted(t for t in it['tags'] if t in FEATURES or t in M.AMBIGUOUS)),
                '; '.join(s.strip() for s in it['src'])))


# ---- compare and locate ----

def read_items(d):
    items = {}
    with open(os.path.join(d, 'items')) as f:
        for line in f:
            m = re.match(r'item (\d+)', line)
            if m:
                items[int(m.group(1))] = line.rstrip('\n')
    return items


def cmd_compare(a):
    expected_file = {'user': 'diffu.expected', 'kuser': 'diffk.user.expected',
                     'out': 'diffk.expected'}[a.kind]
    with open(os.path.join(a.dir, expected_file)) as f:
        want = [line.rstrip('\n') for line in f]
    with open(a.actual, errors='replace') as f:
        got = [line.rstrip('\n') for line in f]
    items = read_items(a.dir)
    key = re.compile(r'^(e\d+|out\[\d+\]) ')

    def index_of(line):
        m = re.match(r'^e(\d+) |^out\[(\d+)\] ', line)
        return int(m.group(1) or m.group(2)) if m else None

    got_by_key = {}
    extra = []
    for line in got:
        m = key.match(line)
        if m:
            got_by_key.setdefault(m.group(1), line)
        elif a.kind != 'out':
            extra.append(line)
    bad = 0
    for line in want:
        k = key.match(line).group(1)
        have = got_by_key.get(k)
        if have == line:
            continue
        bad += 1
        if bad <= a.show:
            i = index_of(line)
            print('    %s' % items.get(i, 'item %d' % i))
            print('        expected: %s' % line[len(k) + 1:])
            print('        got:      %s' % (have[len(k) + 1:] if have is not None else '(nothing)'))
    if bad > a.show:
        print('    ... and %d more' % (bad - a.show))
    for line in extra[:5]:
        print('    unexpected output: %s' % line)
    print('compared %d, mismatched %d' % (len(want), bad))
    sys.exit(1 if bad or extra else 0)


def c_functions(c):
    """(first line, last line, name) of each function of a C file: a line
    at the margin with a '(' and the next line '{', up to the next '}' at
    the margin."""
    funcs = []
    for n in range(len(c) - 1):
        line = c[n]
        if line[:1].isalpha() and '(' in line and c[n + 1].startswith('{'):
            m = re.search(r'(\w+)\s*\(', line)
            end = n + 1
            while end < len(c) and not c[end].startswith('}'):
                end += 1
            funcs.append((n + 1, end + 1, m.group(1)))
    return funcs


def cmd_locate(a):
    """Items that the errors in LOG point at.  An error in the .ks points
    at the item (or the const) its line belongs to (PROGRAM.owners).  The
    generated C keeps the order of the statements, and each item ends in
    its observation, which names its index (print("eN ...") in userspace,
    out[N] in eBPF code): a line of a program's function belongs to the
    first item whose observation is on it or after it.  A line of another
    C function (a helper the compiler made) points at the items that call
    it."""
    with open(a.log, errors='replace') as f:
        log = [line for line in f
               if re.search(r'error|in expansion of macro', line, re.I)]
    found = set()
    owners = {}
    with open(os.path.join(a.dir, a.program + '.owners')) as f:
        for line in f:
            n, owner = line.split()
            owners[int(n)] = owner
    uses = {}
    with open(os.path.join(a.dir, 'uses')) as f:
        for line in f:
            words = line.split()
            uses[int(words[0])] = set(words[1:])
    for line in log:
        for m in re.finditer(re.escape(a.program) + r'\.ks:(\d+):', line):
            owner = owners.get(int(m.group(1)))
            if owner is None:
                continue
            if owner.isdigit():
                found.add(int(owner))
            else:
                found |= set(i for i, names in uses.items() if owner in names)
    def using(name):
        return set(i for i, names in uses.items() if name in names)

    for cfile in a.cfiles:
        if not os.path.exists(cfile):
            continue
        if cfile.endswith('.h'):
            # the consts are macros of the shared header
            with open(cfile, errors='replace') as f:
                h = f.read().split('\n')
            base = os.path.basename(cfile)
            for line in log:
                for m in re.finditer(re.escape(base) + r':(\d+):', line):
                    d = re.match(r'#define\s+(\w+)', h[int(m.group(1)) - 1])
                    if d:
                        found.update(using(d.group(1)))
            continue
        with open(cfile, errors='replace') as f:
            c = f.read().split('\n')
        marks = []          # (line number, item index)
        user = re.compile(r'"e(\d+) ')
        bpf = re.compile(r'\bout\w*\s*[\[(,]\s*(\d+)\b|\(\s*&?out\s*,\s*(\d+)\b')
        for n, line in enumerate(c, 1):
            m = user.search(line) or bpf.search(line)
            if m:
                marks.append((n, int(next(x for x in m.groups() if x is not None))))
        funcs = c_functions(c)

        def item_at(ln):
            for n, idx in marks:
                if n >= ln:
                    return idx
            return None

        def func_at(ln):
            for first, last, name in funcs:
                if first <= ln <= last:
                    return first, last, name
            return None

        base = os.path.basename(cfile)
        lines = set()
        for line in log:
            for m in re.finditer(re.escape(base) + r':(\d+):', line):
                lines.add(int(m.group(1)))
        for ln in lines:
            f = func_at(ln)
            if f is None:
                continue        # a declaration: no item to blame
            if re.match(r'batch\d+$|ks_main$', f[2]):
                idx = item_at(ln)
                if idx is not None:
                    found.add(idx)
                continue
            call = re.compile(r'\b%s\s*\(' % re.escape(f[2]))
            for n, text in enumerate(c, 1):
                g = func_at(n)
                if g and re.match(r'batch\d+$|ks_main$', g[2]) and call.search(text):
                    idx = item_at(n)
                    if idx is not None:
                        found.add(idx)
    if not found:
        found = crashed_function_items(a, log_all(a.log))
    print(' '.join(str(i) for i in sorted(found)))


def log_all(path):
    with open(path, errors='replace') as f:
        return f.read()


def crashed_function_items(a, log):
    """A crash of clang's back end may name no line, only the function
    ("In function: batch1").  Then the items of that function are to
    blame: those with a division when the crash is about sdiv or srem,
    else all of them."""
    m = re.search(r"In function: (batch\d+)|on function '@(batch\d+)'", log)
    if not m:
        return set()
    fname = m.group(1) or m.group(2)
    division = re.search(r'\bs(div|rem)\b', log) is not None
    found = set()
    for cfile in a.cfiles:
        if not cfile.endswith('.bpf.c') or not os.path.exists(cfile):
            continue
        with open(cfile, errors='replace') as f:
            c = f.read().split('\n')
        marks = []
        for n, line in enumerate(c, 1):
            mm = re.search(r'\bout\w*\s*[\[(,]\s*(\d+)\b', line)
            if mm:
                marks.append((n, int(mm.group(1))))
        for first, last, name in c_functions(c):
            if name != fname:
                continue
            for n in range(first, last + 1):
                text = c[n - 1]
                if division and not re.search(r'[^/*]/[^/*]|%', text):
                    continue
                for mn, idx in marks:
                    if mn >= n:
                        found.add(idx)
                        break
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('gen')
    g.add_argument('--seed', type=int, required=True)
    g.add_argument('--items', type=int, default=200)
    g.add_argument('--out', required=True)
    g.add_argument('--without', default='')
    g.add_argument('--ambiguous', action='store_true')
    g.add_argument('--drop', default='')
    g.add_argument('--batch', type=int, default=40)
    c = sub.add_parser('compare')
    c.add_argument('dir')
    c.add_argument('kind', choices=['user', 'kuser', 'out'])
    c.add_argument('actual')
    c.add_argument('--show', type=int, default=10)
    loc = sub.add_parser('locate')
    loc.add_argument('dir')
    loc.add_argument('program')
    loc.add_argument('log')
    loc.add_argument('cfiles', nargs='*')
    sub.add_parser('features')
    a = p.parse_args()
    if a.cmd == 'gen':
        cmd_gen(a)
    elif a.cmd == 'compare':
        cmd_compare(a)
    elif a.cmd == 'locate':
        cmd_locate(a)
    else:
        for k in sorted(FEATURES):
            print('%-14s %s' % (k, FEATURES[k]))
        for k in sorted(M.AMBIGUOUS):
            print('%-14s (ambiguous, left out unless --ambiguous) %s' % (k, M.AMBIGUOUS[k]))


if __name__ == '__main__':
    main()
