// zlib from Debian (zlib1g-dev), for the CRC-32 that seals Mural's archives.
#include <zlib.h>
