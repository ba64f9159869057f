/* common/csv.h — writing CSV (RFC 4180) for exports: every text cell
 * quoted, a quote doubled, and a cell a spreadsheet would run as a formula
 * (starting with = + - @ tab or CR) prefixed with '. Lines end in CRLF.
 * Appends to a caller's tm_buf; no state, thread-safe. */
#ifndef TM_COMMON_CSV_H
#define TM_COMMON_CSV_H

#include "common/buf.h"
#include "common/err.h"

/* Appends s as one quoted cell, then "," or, when last, the line's end.
 * TM_TOOBIG when b is full (b then holds part of the cell). */
TM_MUSTCHECK enum tm_code tm_csv_cell(struct tm_buf *b, const char *s, int last);

#endif
