/* Times Argon2id as Pomopomo uses it (libsodium crypto_pwhash_str_alg, OWASP minimum: m = 19 MiB,
 * t = 2, p = 1) and crypto_pwhash_str_verify, plus libsodium's "interactive" preset for
 * comparison. Prints the median and spread of N runs of each. Built and run by
 * bench/password_hash.sh. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n) {
    qsort(t, n, sizeof *t, cmp);
    printf("%-44s median %7.1f ms  min %7.1f  max %7.1f  (n=%d)\n", what, t[n / 2], t[0], t[n - 1], n);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20;
    if (sodium_init() < 0 || n < 1) return 1;
    const char *pw = "correct horse battery staple";
    char out[crypto_pwhash_STRBYTES];
    double *t = calloc(n, sizeof *t);
    struct { const char *name; unsigned long long ops; size_t mem; } presets[] = {
        {"argon2id m=19MiB t=2 p=1 (Pomopomo) hash", 2, 19u << 20},
        {"argon2id interactive m=64MiB t=2 hash", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE},
    };
    for (int p = 0; p < 2; p++) {
        for (int i = 0; i < n; i++) {
            double s = now_ms();
            if (crypto_pwhash_str_alg(out, pw, strlen(pw), presets[p].ops, presets[p].mem, crypto_pwhash_ALG_ARGON2ID13) != 0) return 2;
            t[i] = now_ms() - s;
        }
        report(presets[p].name, t, n);
        if (p == 0) {
            printf("  encoded: %.31s…\n", out);
            for (int i = 0; i < n; i++) {
                double s = now_ms();
                if (crypto_pwhash_str_verify(out, pw, strlen(pw)) != 0) return 3;
                t[i] = now_ms() - s;
            }
            report("argon2id m=19MiB t=2 p=1 (Pomopomo) verify", t, n);
        }
    }
    free(t);
    return 0;
}
