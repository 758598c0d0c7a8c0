#pragma once
// RAII for HDF5 identifiers: every hid_t quench opens is owned by one Hdf5Handle that closes it with
// the matching H5*close call, and every HDF5 return code is checked with a message naming the call.
#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace quench::io {

class Hdf5Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Hdf5Handle() = default;
    // Takes ownership of id; throws Hdf5Error naming `call` when id is negative (the call failed).
    Hdf5Handle(hid_t id, Closer closer, const char* call);
    Hdf5Handle(const Hdf5Handle&) = delete;
    Hdf5Handle& operator=(const Hdf5Handle&) = delete;
    Hdf5Handle(Hdf5Handle&& other) noexcept;
    Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
    ~Hdf5Handle();

    hid_t get() const { return id_; }
    // Closes now and checks the result (closing a file flushes it; a failure there must not be silent).
    void close(const char* call);

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer closer_ = nullptr;
};

// An HDF5 call failed; the message names the call and the object.
class Hdf5Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws Hdf5Error "CALL failed (WHAT)" when status is negative.
void h5check(herr_t status, const char* call, const std::string& what);

// Turns off HDF5's own printing of its error stack (quench reports errors itself), once per process.
void silenceHdf5Errors();

// Owning wrappers of the usual objects.
Hdf5Handle createFile(const std::string& path);
Hdf5Handle openFileReadOnly(const std::string& path);
Hdf5Handle createGroup(hid_t parent, const std::string& name);
Hdf5Handle openGroup(hid_t parent, const std::string& name);
Hdf5Handle openDataset(hid_t parent, const std::string& name);
Hdf5Handle simpleSpace(const std::vector<hsize_t>& dims);
Hdf5Handle scalarSpace();
Hdf5Handle variableStringType();

bool linkExists(hid_t parent, const std::string& name);
bool attributeExists(hid_t object, const std::string& name);

}  // namespace quench::io
