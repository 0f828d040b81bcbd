# tap-count.awk - count TAP/KTAP result lines: prints "PASSED FAILED SKIPPED".
# Only top-level lines count ("ok N ...", "not ok N ..."); an "ok" line with
# a "# SKIP" directive counts as skipped.  Used on the host and in the VM.
/^ok [0-9]+/ && /# [Ss][Kk][Ii][Pp]/ { s++; next }
/^ok [0-9]+/ { p++; next }
/^not ok [0-9]+/ { f++ }
END { print p + 0, f + 0, s + 0 }
