#include "io/hdf5_handle.hpp"

#include <mutex>
#include <utility>

namespace quench::io {

Hdf5Handle::Hdf5Handle(hid_t id, Closer closer, const char* call) : id_(id), closer_(closer) {
    if (id_ < 0) throw Hdf5Error(std::string(call) + " failed");
}

Hdf5Handle::Hdf5Handle(Hdf5Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

Hdf5Handle& Hdf5Handle::operator=(Hdf5Handle&& other) noexcept {
    if (this != &other) {
        if (id_ >= 0) closer_(id_);
        id_ = std::exchange(other.id_, H5I_INVALID_HID);
        closer_ = other.closer_;
    }
    return *this;
}

Hdf5Handle::~Hdf5Handle() {
    if (id_ >= 0) closer_(id_);
}

void Hdf5Handle::close(const char* call) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) h5check(closer_(id), call, "closing");
}

void h5check(herr_t status, const char* call, const std::string& what) {
    if (status < 0) throw Hdf5Error(std::string(call) + " failed (" + what + ")");
}

void silenceHdf5Errors() {
    static std::once_flag once;
    std::call_once(once, []() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

Hdf5Handle createFile(const std::string& path) {
    silenceHdf5Errors();
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0) throw Hdf5Error("H5Fcreate failed for " + path);
    return Hdf5Handle(id, H5Fclose, "H5Fcreate");
}

Hdf5Handle openFileReadOnly(const std::string& path) {
    silenceHdf5Errors();
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) throw Hdf5Error("H5Fopen failed for " + path);
    return Hdf5Handle(id, H5Fclose, "H5Fopen");
}

Hdf5Handle createGroup(hid_t parent, const std::string& name) {
    const hid_t id = H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0) throw Hdf5Error("H5Gcreate2 failed for group " + name);
    return Hdf5Handle(id, H5Gclose, "H5Gcreate2");
}

Hdf5Handle openGroup(hid_t parent, const std::string& name) {
    const hid_t id = H5Gopen2(parent, name.c_str(), H5P_DEFAULT);
    if (id < 0) throw Hdf5Error("H5Gopen2 failed: no group " + name);
    return Hdf5Handle(id, H5Gclose, "H5Gopen2");
}

Hdf5Handle openDataset(hid_t parent, const std::string& name) {
    const hid_t id = H5Dopen2(parent, name.c_str(), H5P_DEFAULT);
    if (id < 0) throw Hdf5Error("H5Dopen2 failed: no dataset " + name);
    return Hdf5Handle(id, H5Dclose, "H5Dopen2");
}

Hdf5Handle simpleSpace(const std::vector<hsize_t>& dims) {
    return Hdf5Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                      "H5Screate_simple");
}

Hdf5Handle scalarSpace() {
    return Hdf5Handle(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
}

Hdf5Handle variableStringType() {
    Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
    h5check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size", "variable-length string");
    h5check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset", "UTF-8 string");
    return type;
}

bool linkExists(hid_t parent, const std::string& name) {
    // H5Lexists checks one path component at a time: walk the path so a missing parent is "no".
    std::string path;
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t slash = name.find('/', start);
        path = name.substr(0, slash);
        const htri_t exists = H5Lexists(parent, path.c_str(), H5P_DEFAULT);
        if (exists <= 0) return false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return true;
}

bool attributeExists(hid_t object, const std::string& name) {
    return H5Aexists(object, name.c_str()) > 0;
}

}  // namespace quench::io
