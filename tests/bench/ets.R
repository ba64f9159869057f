# tests/bench/ets.R — the reference for `make bench`: R's forecast::ets()
# (Debian r-cran-forecast) on the same final windows as tm-forecast-eval.
#   Rscript ets.R FILE.csv H M OUT.csv
# Reads the long CSV (series_id, a period column, value), holds out each
# series' last H periods, fits ets() with frequency M on the rest (missing
# periods interpolated with na.interp, which ets needs; M > 24 fits without
# a season, as ets does), forecasts H and writes series_id,mase,rmsse with
# tm-forecast-eval's scale: the mean absolute / squared one-step change of the
# history from its first demand on, negatives as 0.
suppressPackageStartupMessages(library(forecast))
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE)
H <- as.integer(a[2]); M <- as.integer(a[3])
pcol <- intersect(c("period", "date", "week", "d"), names(d))[1]
key <- d[[pcol]]
if (is.character(key)) {
  dt <- as.Date(key)
  key <- if (all(format(dt, "%d") == "01"))
    as.integer(format(dt, "%Y")) * 12 + as.integer(format(dt, "%m")) - 1 else as.integer(dt)
}
d$key <- key
out <- NULL
for (id in sort(unique(d$series_id), method = "radix")) {
  s <- d[d$series_id == id, ]
  s <- s[order(s$key), ]
  y <- rep(NA_real_, max(s$key) - min(s$key) + 1)
  y[s$key - min(s$key) + 1] <- s$value
  y[!is.finite(y)] <- NA
  y <- pmax(y, 0)
  n <- length(y); hist <- y[1:(n - H)]; act <- y[(n - H + 1):n]
  first <- which(!is.na(hist) & hist > 0)[1]
  if (is.na(first)) first <- 1
  hh <- hist[first:length(hist)]
  dd <- diff(hh[!is.na(hh)])
  sa <- mean(abs(dd)); sq <- mean(dd^2)
  if (!is.finite(sa) || sa <= 0) { sa <- mean(abs(hh), na.rm = TRUE); if (!(sa > 0)) sa <- 1; sq <- sa^2 }
  x <- ts(hist, frequency = M)
  if (anyNA(x)) x <- na.interp(x)
  f <- tryCatch(as.numeric(forecast(ets(x), h = H)$mean),
                error = function(e) rep(mean(hist, na.rm = TRUE), H))
  f <- pmax(f, 0)
  ok <- !is.na(act)
  out <- rbind(out, data.frame(series_id = id, mase = mean(abs(f[ok] - act[ok])) / sa,
                               rmsse = sqrt(mean((f[ok] - act[ok])^2) / sq)))
}
write.csv(out, a[4], row.names = FALSE, quote = FALSE)
