#pragma once
// Typed attributes and datasets on top of Hdf5Handle: the few shapes quench stores (scalars and
// strings as attributes; FP64 and int64 arrays as datasets, optionally chunked and compressed).
#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace quench::io {

void writeAttribute(hid_t object, const std::string& name, const std::string& value);
void writeAttribute(hid_t object, const std::string& name, double value);
void writeAttribute(hid_t object, const std::string& name, std::int64_t value);
void writeAttribute(hid_t object, const std::string& name, std::uint64_t value);
void writeAttribute(hid_t object, const std::string& name, const std::vector<double>& values);

// Readers throw Hdf5Error naming the attribute when it is missing or of another kind.
std::string readStringAttribute(hid_t object, const std::string& name);
double readDoubleAttribute(hid_t object, const std::string& name);
std::int64_t readIntegerAttribute(hid_t object, const std::string& name);

struct DatasetLayout {
    std::vector<hsize_t> dims;
    std::vector<hsize_t> chunk;  // empty: contiguous
    int deflate_level = 0;       // gzip level (with the shuffle filter) when chunked
};

void writeDataset(hid_t parent, const std::string& name, const DatasetLayout& layout, const double* data);
void writeDataset(hid_t parent, const std::string& name, const std::vector<std::int64_t>& values);

std::vector<hsize_t> datasetDims(hid_t parent, const std::string& name);
// The whole dataset; throws Hdf5Error when its size is not `expected` elements.
std::vector<double> readDoubles(hid_t parent, const std::string& name, std::size_t expected);
std::vector<std::int64_t> readIntegers(hid_t parent, const std::string& name, std::size_t expected);

}  // namespace quench::io
