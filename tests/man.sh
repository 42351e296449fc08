#!/bin/sh
# The man pages: mdoc without a warning, and kernelscript(1) and ks2c(1)
# naming exactly the commands and options that --help lists.
. "$(dirname "$0")/lib.sh"

man=$TESTS_SRCDIR/../man

# lint PAGE: mandoc's lint, or groff's warnings where mandoc is missing.
lint() {
	name=lint-$(basename "$1")
	status=0
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -T lint -W warning "$1" >"$tmpdir/lint" 2>&1 || status=$?
	else
		groff -mandoc -ww -z "$1" >"$tmpdir/lint" 2>&1 || status=$?
	fi
	if [ "$status" -ne 0 ] || [ -s "$tmpdir/lint" ]; then
		fail "$name" "status $status"
		sed 's/^/    /' "$tmpdir/lint"
	else
		pass "$name"
	fi
}

if command -v mandoc >/dev/null 2>&1; then
	:
elif command -v groff >/dev/null 2>&1; then
	echo "note: no mandoc (apt-get install mandoc): linting with groff -ww instead"
else
	echo "note: neither mandoc nor groff: the pages are not linted"
fi
for page in "$man"/kernelscript.1 "$man"/ks2c.1 "$man"/kernelscript.7; do
	if [ ! -f "$page" ]; then
		fail "exists-$(basename "$page")" "no $page"
	elif command -v mandoc >/dev/null 2>&1 || command -v groff >/dev/null 2>&1; then
		lint "$page"
	fi
done

# The options in help text: words that start with - or -- after a space,
# bracket, comma or bar ("[-o DIR]", "-h, --help", "-Werror").
help_options() {
	grep -o -E '(^|[][ ,|(])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# The options a page names: the arguments of its Fl macros, each a flag
# until the next macro name (Ar, Ns, Oc, ...).
page_options() {
	awk '/^\./ {
		n = split($0, w, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			if (w[i] != "Fl" && w[i] != ".Fl")
				continue
			for (j = i + 1; j <= n; j++) {
				if (w[j] ~ /^[A-Z][a-z][a-z]?$/)
					break
				if (w[j] ~ /^[][|,.;:()]$/)
					continue
				gsub(/\\/, "", w[j])
				print "-" w[j]
			}
		}
	}' "$1" | sort -u
}

# The commands of 'kernelscript --help': the first word of each line
# indented by two spaces under "Commands:".
help_commands() {
	awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' | sort -u
}

# The commands of kernelscript(1): the items of the outermost list of
# its COMMANDS section (the nested ones are init's types and options).
page_commands() {
	awk '/^\.Sh / { on = ($2 == "COMMANDS"); depth = 0; next }
	     on && /^\.Bl/ { depth++ }
	     on && /^\.El/ { depth-- }
	     on && depth == 1 && /^\.It Cm / { print $3 }' "$1" | sort -u
}

# same NAME WHAT HELP-LIST PAGE-LIST: passes when both lists are equal,
# else says what each lacks.
same() {
	if [ ! -s "$3" ]; then
		fail "$1" "found no $2 in the help"
	elif [ ! -s "$4" ]; then
		fail "$1" "found no $2 in the page"
	elif cmp -s "$3" "$4"; then
		pass "$1"
	else
		fail "$1" "help without the page: $(comm -23 "$3" "$4" | tr '\n' ' ')page without the help: $(comm -13 "$3" "$4" | tr '\n' ' ')"
	fi
}

# kernelscript: its --help and each command's --help together.
"$KS" --help >"$tmpdir/ks.help"
help_commands <"$tmpdir/ks.help" >"$tmpdir/ks.commands"
for command in $(cat "$tmpdir/ks.commands"); do
	"$KS" "$command" --help >>"$tmpdir/ks.help"
done
page_commands "$man/kernelscript.1" >"$tmpdir/ks.page-commands"
same kernelscript-commands commands "$tmpdir/ks.commands" "$tmpdir/ks.page-commands"
help_options <"$tmpdir/ks.help" >"$tmpdir/ks.options"
page_options "$man/kernelscript.1" >"$tmpdir/ks.page-options"
same kernelscript-options options "$tmpdir/ks.options" "$tmpdir/ks.page-options"

"$KS2C" --help | help_options >"$tmpdir/ks2c.options"
page_options "$man/ks2c.1" >"$tmpdir/ks2c.page-options"
same ks2c-options options "$tmpdir/ks2c.options" "$tmpdir/ks2c.page-options"

summary
