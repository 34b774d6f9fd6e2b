// zlib, for reading the gzip'd IDX files shipped by Debian's dataset-fashion-mnist.
#include <zlib.h>
