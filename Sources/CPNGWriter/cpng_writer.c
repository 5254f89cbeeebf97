#include "cpng_writer.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer_context {
    cpng_buffer *out;
    char *errmsg;
    size_t errmsg_size;
} writer_context;

static void on_error(png_structp png, png_const_charp message) {
    writer_context *ctx = (writer_context *)png_get_error_ptr(png);
    if (ctx->errmsg_size > 0) {
        strncpy(ctx->errmsg, message, ctx->errmsg_size - 1);
        ctx->errmsg[ctx->errmsg_size - 1] = '\0';
    }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void on_write(png_structp png, png_bytep data, png_size_t length) {
    writer_context *ctx = (writer_context *)png_get_io_ptr(png);
    cpng_buffer *out = ctx->out;
    if (out->size + length > out->capacity) {
        size_t capacity = out->capacity ? out->capacity : 4096;
        while (capacity < out->size + length) capacity *= 2;
        unsigned char *grown = realloc(out->data, capacity);
        if (!grown) png_error(png, "out of memory while growing the PNG buffer");
        out->data = grown;
        out->capacity = capacity;
    }
    memcpy(out->data + out->size, data, length);
    out->size += length;
}

static void on_flush(png_structp png) { (void)png; }

int cpng_encode_rgb8(const unsigned char *pixels, unsigned width, unsigned height, size_t row_stride,
                     int level, int filters, cpng_buffer *out, char *errmsg, size_t errmsg_size) {
    writer_context ctx = {out, errmsg, errmsg_size};
    if (errmsg_size > 0) errmsg[0] = '\0';
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (!png) {
        if (errmsg_size > 0) strncpy(errmsg, "png_create_write_struct failed", errmsg_size - 1);
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        if (errmsg_size > 0) strncpy(errmsg, "png_create_info_struct failed", errmsg_size - 1);
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return 2;
    }
    png_set_write_fn(png, &ctx, on_write, on_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_write_info(png, info);
    for (unsigned y = 0; y < height; y++) {
        png_write_row(png, pixels + (size_t)y * row_stride);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

void cpng_buffer_free(cpng_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
    buffer->capacity = 0;
}
