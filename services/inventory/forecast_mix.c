/* services/inventory/forecast_mix.c — combinations of models (forecast_model.h):
 * k models stepped side by side, their mean paths and their point forecasts
 * averaged. The engine's backtest,
 * intervals and final forecast all step a mix, so a single model is the mix
 * of one and a combination needs no path of its own. Equal weights: in the M3
 * and M4 competitions a plain mean of a few good methods beat weights
 * estimated from the same short history. */
#include "services/inventory/forecast_model.h"

void
fc_mix_init(struct fc_mix *x, int k, const enum fc_model *models, const struct fc_params *p,
            const double *y, int from, int n, int m)
{
    x->k = k < 1 ? 1 : k > FC_MIX_MAX ? FC_MIX_MAX : k;
    x->shift = 0;
    for (int i = 0; i < x->k; i++) {
        fc_state_init(&x->s[i], models[i], &p[i], y, from, n, m);
        x->shift += p[i].shift / x->k;
    }
}

/* The mean over the mix's models of one(model, H, path) into out[0..H). */
static void
mix_mean(const struct fc_mix *x, int H, void (*one)(const struct fc_state *, int, double *),
         double *out)
{
    double v[FC_MAX_HORIZON];

    one(&x->s[0], H, out);
    for (int i = 1; i < x->k; i++) {
        one(&x->s[i], H, v);
        for (int h = 0; h < H; h++)
            out[h] += v[h];
    }
    if (x->k > 1)
        for (int h = 0; h < H; h++)
            out[h] /= x->k;
}

void
fc_mix_path(const struct fc_mix *x, int H, double *out)
{
    mix_mean(x, H, fc_state_path, out);
}

void
fc_state_point(const struct fc_state *s, int H, double *out)
{
    if (s->model == FC_SEASONAL_MEDIAN)
        fc_seasonal_paths(s, H, NULL, out);
    else
        fc_state_path(s, H, out);
    for (int h = 0; h < H; h++)
        out[h] += s->p.shift;
}

void
fc_mix_point(const struct fc_mix *x, int H, double *out)
{
    mix_mean(x, H, fc_state_point, out);
}

void
fc_mix_update(struct fc_mix *x, double v)
{
    for (int i = 0; i < x->k; i++)
        fc_state_update(&x->s[i], v);
}
