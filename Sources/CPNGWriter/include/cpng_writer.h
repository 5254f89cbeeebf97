#ifndef CPNG_WRITER_H
#define CPNG_WRITER_H

#include <stddef.h>

/* A growable byte buffer owned by the caller; release it with cpng_buffer_free. */
typedef struct cpng_buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
} cpng_buffer;

/* Encodes 8-bit RGB pixels (rows `row_stride` bytes apart) as a PNG into `out`.
 * `level` is the zlib level (0-9); `filters` is a PNG_FILTER_* mask (PNG_NO_FILTERS = 0x08).
 * Returns 0 on success; otherwise libpng's message is copied into `errmsg`. No ancillary
 * chunks (time, text) are written, so equal pixels give equal bytes. */
int cpng_encode_rgb8(const unsigned char *pixels, unsigned width, unsigned height, size_t row_stride,
                     int level, int filters, cpng_buffer *out, char *errmsg, size_t errmsg_size);

void cpng_buffer_free(cpng_buffer *buffer);

#endif
