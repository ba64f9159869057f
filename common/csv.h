/* common/csv.h — CSV as our exports write it (RFC 4180, CRLF line ends):
 * every text cell quoted with its quotes doubled, and a cell a spreadsheet
 * would run as a formula (first byte =, +, -, @, tab or CR) prefixed with '
 * so it reads as text. Numbers are written by the caller as they are. One
 * copy for every export (audit log, analytics reports). No state;
 * thread-safe. */
#ifndef TM_COMMON_CSV_H
#define TM_COMMON_CSV_H

#include "common/buf.h"
#include "common/err.h"

/* Appends s as one quoted cell, then "," or, when last, the line's "\r\n".
 * TM_TOOBIG when b is full (b then holds part of the cell). */
TM_MUSTCHECK enum tm_code tm_csv_cell(struct tm_buf *b, const char *s, int last);

#endif
