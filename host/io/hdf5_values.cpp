#include "io/hdf5_values.hpp"

#include <cstdlib>

namespace quench::io {

namespace {

void writeScalarAttribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                          const void* value) {
    const Hdf5Handle space = scalarSpace();
    Hdf5Handle attribute(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "H5Acreate2");
    h5check(H5Awrite(attribute.get(), memory_type, value), "H5Awrite", "attribute " + name);
    attribute.close("H5Aclose");
}

Hdf5Handle openAttribute(hid_t object, const std::string& name) {
    if (!attributeExists(object, name)) throw Hdf5Error("missing attribute " + name);
    return Hdf5Handle(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen");
}

H5T_class_t attributeClass(hid_t attribute) {
    const Hdf5Handle type(H5Aget_type(attribute), H5Tclose, "H5Aget_type");
    return H5Tget_class(type.get());
}

std::size_t elementCount(hid_t space) {
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count < 0) throw Hdf5Error("H5Sget_simple_extent_npoints failed");
    return static_cast<std::size_t>(count);
}

template <class T>
std::vector<T> readWhole(hid_t parent, const std::string& name, hid_t memory_type, std::size_t expected) {
    const Hdf5Handle dataset = openDataset(parent, name);
    const Hdf5Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space");
    const std::size_t count = elementCount(space.get());
    if (count != expected)
        throw Hdf5Error("dataset " + name + " holds " + std::to_string(count) + " values, expected " +
                        std::to_string(expected));
    std::vector<T> values(count);
    if (count > 0)
        h5check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "H5Dread",
                "dataset " + name);
    return values;
}

}  // namespace

void writeAttribute(hid_t object, const std::string& name, const std::string& value) {
    const Hdf5Handle type = variableStringType();
    const char* text = value.c_str();
    writeScalarAttribute(object, name, type.get(), type.get(), &text);
}

void writeAttribute(hid_t object, const std::string& name, double value) {
    writeScalarAttribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void writeAttribute(hid_t object, const std::string& name, std::int64_t value) {
    writeScalarAttribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void writeAttribute(hid_t object, const std::string& name, std::uint64_t value) {
    writeScalarAttribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

void writeAttribute(hid_t object, const std::string& name, const std::vector<double>& values) {
    // An empty list is stored as a scalar-less null space, which h5py reads as an empty attribute.
    const Hdf5Handle space = values.empty() ? Hdf5Handle(H5Screate(H5S_NULL), H5Sclose, "H5Screate")
                                            : simpleSpace({values.size()});
    Hdf5Handle attribute(
        H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
        "H5Acreate2");
    if (!values.empty())
        h5check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, values.data()), "H5Awrite", "attribute " + name);
    attribute.close("H5Aclose");
}

std::string readStringAttribute(hid_t object, const std::string& name) {
    const Hdf5Handle attribute = openAttribute(object, name);
    const Hdf5Handle type(H5Aget_type(attribute.get()), H5Tclose, "H5Aget_type");
    if (H5Tget_class(type.get()) != H5T_STRING) throw Hdf5Error("attribute " + name + " is not a string");
    const Hdf5Handle space(H5Aget_space(attribute.get()), H5Sclose, "H5Aget_space");
    if (elementCount(space.get()) != 1) throw Hdf5Error("attribute " + name + " is not a single string");
    const htri_t variable = H5Tis_variable_str(type.get());
    if (variable < 0) throw Hdf5Error("H5Tis_variable_str failed for attribute " + name);
    if (variable > 0) {
        const Hdf5Handle memory = variableStringType();
        char* text = nullptr;
        h5check(H5Aread(attribute.get(), memory.get(), &text), "H5Aread", "attribute " + name);
        std::string value = text != nullptr ? std::string(text) : std::string();
        H5free_memory(text);
        return value;
    }
    const std::size_t size = H5Tget_size(type.get());
    if (size == 0 || size > (1u << 28)) throw Hdf5Error("attribute " + name + " has an invalid string size");
    std::string value(size, '\0');
    h5check(H5Aread(attribute.get(), type.get(), value.data()), "H5Aread", "attribute " + name);
    value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
    return value;
}

double readDoubleAttribute(hid_t object, const std::string& name) {
    const Hdf5Handle attribute = openAttribute(object, name);
    if (attributeClass(attribute.get()) != H5T_FLOAT)
        throw Hdf5Error("attribute " + name + " is not a float");
    double value = 0.0;
    h5check(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), "H5Aread", "attribute " + name);
    return value;
}

std::int64_t readIntegerAttribute(hid_t object, const std::string& name) {
    const Hdf5Handle attribute = openAttribute(object, name);
    if (attributeClass(attribute.get()) != H5T_INTEGER)
        throw Hdf5Error("attribute " + name + " is not an integer");
    std::int64_t value = 0;
    h5check(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), "H5Aread", "attribute " + name);
    return value;
}

void writeDataset(hid_t parent, const std::string& name, const DatasetLayout& layout, const double* data) {
    const Hdf5Handle space = simpleSpace(layout.dims);
    const Hdf5Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate");
    if (!layout.chunk.empty()) {
        h5check(H5Pset_chunk(properties.get(), static_cast<int>(layout.chunk.size()), layout.chunk.data()),
                "H5Pset_chunk", "dataset " + name);
        if (layout.deflate_level > 0) {
            h5check(H5Pset_shuffle(properties.get()), "H5Pset_shuffle", "dataset " + name);
            h5check(H5Pset_deflate(properties.get(), static_cast<unsigned>(layout.deflate_level)),
                    "H5Pset_deflate", "dataset " + name);
        }
    }
    Hdf5Handle dataset(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                  properties.get(), H5P_DEFAULT),
                       H5Dclose, "H5Dcreate2");
    hsize_t count = 1;
    for (const hsize_t d : layout.dims) count *= d;
    if (count > 0)
        h5check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite",
                "dataset " + name);
    dataset.close("H5Dclose");
}

void writeDataset(hid_t parent, const std::string& name, const std::vector<std::int64_t>& values) {
    const Hdf5Handle space = simpleSpace({values.size()});
    Hdf5Handle dataset(
        H5Dcreate2(parent, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose, "H5Dcreate2");
    if (!values.empty())
        h5check(H5Dwrite(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                "H5Dwrite", "dataset " + name);
    dataset.close("H5Dclose");
}

std::vector<hsize_t> datasetDims(hid_t parent, const std::string& name) {
    const Hdf5Handle dataset = openDataset(parent, name);
    const Hdf5Handle space(H5Dget_space(dataset.get()), H5Sclose, "H5Dget_space");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0 || rank > 8) throw Hdf5Error("dataset " + name + " has an invalid rank");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0)
        throw Hdf5Error("H5Sget_simple_extent_dims failed for dataset " + name);
    return dims;
}

std::vector<double> readDoubles(hid_t parent, const std::string& name, std::size_t expected) {
    return readWhole<double>(parent, name, H5T_NATIVE_DOUBLE, expected);
}

std::vector<std::int64_t> readIntegers(hid_t parent, const std::string& name, std::size_t expected) {
    return readWhole<std::int64_t>(parent, name, H5T_NATIVE_INT64, expected);
}

}  // namespace quench::io
