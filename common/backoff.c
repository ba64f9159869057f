/* common/backoff.c — the retry schedule of the supplier API client
 * (services/supplier/api.c) and of tm-alerts' deliveries
 * (services/alerts/deliver.c), apart so it is tested with plain numbers. Full jitter (the wait
 * drawn uniformly below the exponential ceiling) rather than equal or no jitter: the clients of one
 * daemon that failed together do not retry together. */
#include "common/backoff.h"

int
tm_backoff_wait_ms(const struct tm_backoff *b, int done, uint32_t draw, int64_t retry_after_s)
{
    int64_t ceiling = b->base_ms;

    if (done >= b->attempts)
        return TM_BACKOFF_STOP;
    if (retry_after_s >= 0) /* the remote said when; s * 1000 <= cap iff s <= cap / 1000 */
        return retry_after_s <= b->cap_ms / 1000 ? (int)(retry_after_s * 1000) : TM_BACKOFF_STOP;
    for (int i = 1; i < done && ceiling < b->cap_ms; i++)
        ceiling *= 2;
    if (ceiling > b->cap_ms)
        ceiling = b->cap_ms;
    return (int)(draw % (uint32_t)(ceiling + 1));
}
