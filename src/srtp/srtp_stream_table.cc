#include "srtp/srtp_stream_table.h"

namespace sluice {

SrtpStreamTable::SrtpStreamTable(size_t capacity, size_t replay_window) : capacity_(capacity) {
  size_t slots = 4;
  while (slots < 2 * capacity) slots *= 2;
  mask_ = slots - 1;
  slots_ = std::make_unique<int32_t[]>(slots);
  for (size_t i = 0; i < slots; ++i) slots_[i] = -1;
  states_ = std::make_unique<SrtpStreamState[]>(capacity);
  for (size_t i = 0; i < capacity; ++i) states_[i].rtp = SrtpReplayWindow(replay_window);
}

SrtpStreamState* SrtpStreamTable::FindSlow(uint32_t ssrc) {
  for (size_t i = Home(ssrc);; i = (i + 1) & mask_) {
    const int32_t s = slots_[i];
    if (s < 0) return nullptr;
    if (states_[s].ssrc == ssrc) {
      last_ = &states_[s];
      return last_;
    }
  }
}

SrtpStreamState* SrtpStreamTable::Insert(uint32_t ssrc) {
  if (full()) return nullptr;
  size_t i = Home(ssrc);
  while (slots_[i] >= 0) i = (i + 1) & mask_;
  slots_[i] = static_cast<int32_t>(size_);
  SrtpStreamState* st = &states_[size_++];
  st->ssrc = ssrc;
  last_ = st;
  return st;
}

}  // namespace sluice
