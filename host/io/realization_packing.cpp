#include "io/realization_packing.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace quench::io {

namespace {

double bitsOf(std::int64_t value) {
    double d = 0.0;
    std::memcpy(&d, &value, sizeof d);
    return d;
}

std::int64_t integerOf(double d) {
    std::int64_t value = 0;
    std::memcpy(&value, &d, sizeof value);
    return value;
}

void packVector(const std::vector<double>& v, std::vector<double>& out) {
    out.push_back(bitsOf(static_cast<std::int64_t>(v.size())));
    out.insert(out.end(), v.begin(), v.end());
}

double take(const std::vector<double>& data, std::size_t& pos) {
    if (pos >= data.size()) throw std::runtime_error("packed realization ends early");
    return data[pos++];
}

std::vector<double> takeVector(const std::vector<double>& data, std::size_t& pos) {
    const std::int64_t size = integerOf(take(data, pos));
    if (size < 0 || static_cast<std::size_t>(size) > data.size() - pos)
        throw std::runtime_error("packed realization has an impossible length");
    std::vector<double> v(data.begin() + static_cast<std::ptrdiff_t>(pos),
                          data.begin() + static_cast<std::ptrdiff_t>(pos + static_cast<std::size_t>(size)));
    pos += static_cast<std::size_t>(size);
    return v;
}

void packText(const std::string& text, std::vector<double>& out) {
    out.push_back(bitsOf(static_cast<std::int64_t>(text.size())));
    for (const char c : text) out.push_back(static_cast<double>(static_cast<unsigned char>(c)));
}

std::string takeText(const std::vector<double>& data, std::size_t& pos) {
    std::string text;
    for (const double c : takeVector(data, pos)) text += static_cast<char>(static_cast<unsigned char>(c));
    return text;
}

}  // namespace

void packRealization(const RealizationResult& r, std::vector<double>& out) {
    out.push_back(bitsOf(r.realization));
    out.push_back(r.coupling_effective_rank);
    out.push_back(bitsOf(r.samples));
    out.push_back(bitsOf(r.bins));
    for (const auto& per_variable : r.cov)
        for (const CovarianceResult& c : per_variable) {
            out.insert(out.end(), c.stats.begin(), c.stats.end());
            packVector(c.eigenvalues, out);
            packVector(c.matrix, out);
        }
    out.push_back(bitsOf(static_cast<std::int64_t>(r.series.size())));
    for (const Series& s : r.series) {
        packText(s.name, out);
        packText(s.abscissa, out);
        packVector(s.at, out);
        packVector(s.values, out);
    }
}

RealizationResult unpackRealization(const std::vector<double>& data, std::size_t& pos) {
    RealizationResult r;
    r.realization = integerOf(take(data, pos));
    r.coupling_effective_rank = take(data, pos);
    r.samples = integerOf(take(data, pos));
    r.bins = integerOf(take(data, pos));
    for (auto& per_variable : r.cov)
        for (CovarianceResult& c : per_variable) {
            for (double& s : c.stats) s = take(data, pos);
            c.eigenvalues = takeVector(data, pos);
            c.matrix = takeVector(data, pos);
        }
    const std::int64_t series = integerOf(take(data, pos));
    if (series < 0 || static_cast<std::size_t>(series) > data.size() - pos)
        throw std::runtime_error("packed realization has an impossible series count");
    for (std::int64_t k = 0; k < series; ++k) {
        Series s;
        s.name = takeText(data, pos);
        s.abscissa = takeText(data, pos);
        s.at = takeVector(data, pos);
        s.values = takeVector(data, pos);
        r.series.push_back(std::move(s));
    }
    return r;
}

}  // namespace quench::io
