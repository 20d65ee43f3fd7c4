"""The spec of every read-only command corral runs without a prompt (git and find aside).

Options not listed here ask. ``forbid`` names the options we know do more than read: they
are listed so an abbreviation of one (``sort --out=x``) cannot pass as a listed option.
"""

from __future__ import annotations

from corral.permissions._specs import Spec, spec

_GREP = spec(
    flags="EFGPiyvwxcLlmoqsbHhnTZzaIrRU",
    valued="efmABCdD",
    long="extended-regexp fixed-strings basic-regexp perl-regexp ignore-case no-ignore-case "
         "invert-match word-regexp line-regexp count files-without-match files-with-matches "
         "only-matching quiet silent no-messages byte-offset with-filename no-filename "
         "line-number initial-tab null null-data text recursive dereference-recursive "
         "line-buffered binary no-binary",
    long_valued="regexp file max-count after-context before-context context devices "
                "directories include exclude exclude-dir exclude-from label binary-files",
    long_optional="color colour",
    file_valued="-f --file --exclude-from",
    follow="-R --dereference-recursive",
    recursive="-r --recursive -R --dereference-recursive --directories",
    operands="pattern", numeric=True,
    pattern_opts=frozenset({"-e", "-f", "--regexp", "--file"}),
)

_RG = spec(
    flags="iSswxvnNlcoFUHhaLuz.0qIp",
    valued="efgtTmMAjCBEr",
    long="ignore-case smart-case case-sensitive word-regexp line-regexp invert-match "
         "line-number no-line-number files-with-matches files-without-match count "
         "count-matches only-matching fixed-strings multiline multiline-dotall with-filename "
         "no-filename text follow hidden no-ignore no-ignore-vcs no-ignore-parent "
         "no-ignore-dot no-ignore-global no-ignore-exclude no-ignore-files unrestricted "
         "files type-list json vimgrep heading no-heading column no-column byte-offset "
         "trim null quiet no-messages stats pretty no-config crlf binary no-binary "
         "one-file-system line-buffered block-buffered passthru glob-case-insensitive "
         "invert-match no-unicode no-pcre2-unicode pcre2 auto-hybrid-regex debug trace "
         "max-columns-preview no-follow no-hidden include-zero no-require-git "
         "sort-files files-with-matches",
    long_valued="regexp file glob iglob type type-not max-count max-columns max-depth "
                "maxdepth after-context before-context context threads encoding replace "
                "sort sortr max-filesize type-add type-clear colors color path-separator "
                "context-separator field-match-separator field-context-separator engine "
                "dfa-size-limit regex-size-limit ignore-file",
    file_valued="-f --file --ignore-file",
    forbid="--pre --pre-glob --search-zip -z --hostname-bin --hyperlink-format",
    follow="-L --follow", always_recursive=True,
    operands="pattern",
    pattern_opts=frozenset({"-e", "-f", "--regexp", "--file", "--files", "--type-list"}),
)

_LS = spec(
    flags="aAbBcCdDfFgGhHiklLmnNopqQrRsStuUvxXZ1",
    valued="ITw",
    long="all almost-all author escape ignore-backups directory dired file-type full-time "
         "group-directories-first no-group human-readable si dereference-command-line "
         "dereference-command-line-symlink-to-dir inode kibibytes literal numeric-uid-gid "
         "hide-control-chars show-control-chars quote-name reverse recursive size context "
         "zero dereference help version",
    long_valued="block-size format hide ignore indicator-style quoting-style sort time "
                "time-style tabsize width",
    long_optional="color classify hyperlink",
    # listing a directory already reads one level of it: -L stats what its links point at
    follow="-L --dereference", always_recursive=True,
)

_CAT = spec(flags="AbeEnstTuv",
            long="show-all number-nonblank show-ends number squeeze-blank show-tabs "
                 "show-nonprinting help version")
_HEAD = spec(flags="qvz", valued="nc",
             long="quiet silent verbose zero-terminated help version",
             long_valued="lines bytes", numeric=True)
_TAIL = spec(flags="qvzfFr", valued="ncs",
             long="quiet silent verbose zero-terminated retry help version",
             long_valued="lines bytes sleep-interval max-unchanged-stats pid",
             long_optional="follow", numeric=True)
_WC = spec(flags="cmlLw", long="bytes chars lines max-line-length words help version",
           long_valued="total", forbid="--files0-from")
_SORT = spec(
    flags="bdfgiMhnRrVcCmsuz", valued="ktS",
    long="ignore-leading-blanks dictionary-order ignore-case general-numeric-sort "
         "ignore-nonprinting month-sort human-numeric-sort numeric-sort random-sort reverse "
         "version-sort merge stable unique zero-terminated debug help version",
    long_valued="key field-separator buffer-size parallel sort random-source",
    long_optional="check",
    file_valued="--random-source",
    forbid="-o --output -T --temporary-directory --compress-program --files0-from",
)
_UNIQ = spec(flags="cdDuiz", valued="fsw",
             long="count repeated unique ignore-case zero-terminated help version",
             long_valued="skip-fields skip-chars check-chars",
             long_optional="all-repeated group", max_operands=1)
_CUT = spec(flags="nsz", valued="bcfd",
            long="complement only-delimited zero-terminated help version",
            long_valued="bytes characters fields delimiter output-delimiter")
_DIFF = spec(
    flags="iEZbwBTtNPsqyaupcedn",  # not -l: it pipes the output through pr
    valued="xXSFIUCDLW",
    long="normal brief report-identical-files context unified ed rcs side-by-side "
         "left-column suppress-common-lines expand-tabs initial-tab minimal speed-large-files "
         "ignore-case ignore-tab-expansion ignore-trailing-space ignore-space-change "
         "ignore-all-space ignore-blank-lines text strip-trailing-cr show-c-function "
         "new-file unidirectional-new-file suppress-blank-empty no-dereference help version",
    long_valued="exclude exclude-from starting-file ignore-matching-lines label "
                "show-function-line width tabsize line-format old-line-format "
                "new-line-format unchanged-line-format old-group-format new-group-format "
                "changed-group-format unchanged-group-format horizon-lines from-file to-file",
    long_optional="color palette",
    file_valued="-X --exclude-from --from-file --to-file",
    # a recursive diff follows symlinks in both trees
    forbid="-r --recursive",
)
_CMP = spec(flags="blsv", valued="in",
            long="print-bytes verbose quiet silent help version",
            long_valued="ignore-initial bytes", max_operands=4)
_COMM = spec(flags="123z", long="check-order nocheck-order total zero-terminated help "
                                "version", long_valued="output-delimiter", max_operands=2)
_STAT = spec(flags="Lft", valued="c",
             long="dereference file-system terse help version",
             long_valued="format printf cached")
_DU = spec(
    flags="abcDhHklmsSxL0", valued="dBtX",
    long="all apparent-size bytes total dereference-args human-readable inodes si summarize "
         "separate-dirs one-file-system count-links null dereference no-dereference help "
         "version",
    long_valued="max-depth block-size threshold exclude exclude-from time-style",
    long_optional="time",
    file_valued="-X --exclude-from",
    forbid="--files0-from",
    follow="-L --dereference", always_recursive=True,
)
_DF = spec(flags="ahHiklPTv", valued="BtxF",
           long="all human-readable si inodes local no-sync sync portability print-type "
                "total help version",
           long_valued="block-size type exclude-type", long_optional="output")
_TREE = spec(
    flags="adlfxisSnCqNQpugDFvtcrUJAh", valued="LPI",
    long="noreport dirsfirst filesfirst inodes device du si prune matchdirs ignore-case "
         "gitignore info metafirst help version",
    long_valued="charset filelimit timefmt sort",
    forbid="-o -R -H -T --fromfile --fromtabfile",
    follow="-l", always_recursive=True,
)
# -z/-Z may run external decompressors; --no-sandbox drops file's own seccomp filter
_FILE = spec(flags="bcEhiklLNnprsv0S", valued="eFP",
             long="brief checking-printout keep-going list dereference no-dereference "
                  "no-buffer preserve-date raw special-files mime mime-type mime-encoding "
                  "print0 extension apple help version",
             long_valued="exclude exclude-quiet separator parameter",
             forbid="-C --compile -m --magic-file -f --files-from -z -Z --uncompress "
                    "--uncompress-noreport --no-sandbox")
_REALPATH = spec(flags="emLPqsz",
                 long="canonicalize-existing canonicalize-missing logical physical quiet "
                      "strip no-symlinks zero help version",
                 long_valued="relative-to relative-base",
                 file_valued="--relative-to --relative-base")
_READLINK = spec(flags="femnqsvz",
                 long="canonicalize canonicalize-existing canonicalize-missing no-newline "
                      "quiet silent verbose zero help version")
_SUMS = spec(flags="btz", long="binary text tag zero help version",
             forbid="-c --check")
_NL = spec(flags="p", valued="bdfhilnsvw",
           long="no-renumber help version",
           long_valued="body-numbering section-delimiter footer-numbering header-numbering "
                       "line-increment join-blank-lines number-format number-separator "
                       "starting-line-number number-width")
_TAC = spec(flags="br", valued="s", long="before regex help version", long_valued="separator")
_PLAIN_FILTER = spec(long="help version")
_STRINGS = spec(flags="afdwo", valued="nteTsU",
                long="all data include-all-whitespace help version",
                long_valued="bytes radix encoding target output-separator unicode",
                forbid="--print-file-name -@")
_FOLD = spec(flags="bs", valued="w", long="bytes spaces help version", long_valued="width",
             numeric=True)
_FMT = spec(flags="cstu", valued="pgw",
            long="crown-margin tagged-paragraph split-only uniform-spacing help version",
            long_valued="prefix goal width", numeric=True)
_PASTE = spec(flags="sz", valued="d", long="serial zero-terminated help version",
              long_valued="delimiters")
_EXPAND = spec(flags="ia", valued="t", long="initial all first-only help version",
               long_valued="tabs", numeric=True)
# -w and --strings take an optional value, given in the same word
_OD = spec(flags="bcdfilosxvBw", valued="AjNtS",
           long="output-duplicates traditional help version",
           long_valued="address-radix skip-bytes read-bytes format endian",
           long_optional="width strings", numeric=True)
_HEXDUMP = spec(flags="bcCdoxv", valued="ensf", file_valued="-f")
_COLUMN = spec(flags="tnxeJLd", valued="csoNWHOrR",
               long="table json keep-empty-lines fillrows help version",
               long_valued="columns separator output-separator table-columns table-wrap "
                           "table-hide table-order table-name table-right "
                           "table-columns-limit")
_JQ = spec(
    flags="rjacnesSCMRh",
    valued="f",
    long="raw-output join-output ascii-output compact-output null-input exit-status slurp "
         "sort-keys color-output monochrome-output raw-input tab seq stream "
         "stream-errors raw-output0 help version",
    long_valued="indent from-file",
    file_valued="-f --from-file",
    forbid="-L --rawfile --slurpfile --args --jsonargs",
    operands="filter",
    pattern_opts=frozenset({"-f", "--from-file"}), two_values=frozenset({"arg", "argjson"}),
)
_DATE = spec(flags="uR", valued="dfr", long="utc universal rfc-email debug help version",
             long_valued="date file reference", long_optional="iso-8601 rfc-3339",
             file_valued="-f --file -r --reference", forbid="-s --set", operands="plus")
_TR = spec(flags="cCdst", long="complement delete squeeze-repeats truncate-set1 help version",
           operands="none")

SPECS: dict[str, Spec] = {
    "grep": _GREP, "egrep": _GREP, "fgrep": _GREP, "rg": _RG, "ls": _LS, "cat": _CAT,
    "head": _HEAD, "tail": _TAIL, "wc": _WC, "sort": _SORT, "uniq": _UNIQ, "cut": _CUT,
    "diff": _DIFF, "cmp": _CMP, "comm": _COMM, "stat": _STAT, "du": _DU, "df": _DF,
    "tree": _TREE, "file": _FILE, "realpath": _REALPATH, "readlink": _READLINK,
    "md5sum": _SUMS, "sha1sum": _SUMS, "sha224sum": _SUMS, "sha256sum": _SUMS,
    "sha384sum": _SUMS, "sha512sum": _SUMS, "b2sum": _SUMS, "cksum": _SUMS, "nl": _NL,
    "tac": _TAC, "rev": _PLAIN_FILTER, "strings": _STRINGS, "fold": _FOLD, "fmt": _FMT,
    "paste": _PASTE, "expand": _EXPAND, "unexpand": _EXPAND, "od": _OD, "hexdump": _HEXDUMP,
    "column": _COLUMN, "jq": _JQ,
    "date": _DATE, "tr": _TR,
}
