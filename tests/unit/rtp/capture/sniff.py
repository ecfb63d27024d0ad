import socket, struct, sys, time, os
out, seconds = sys.argv[1], float(sys.argv[2])
os.makedirs(out, exist_ok=True)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
s.bind(('lo', 0)); s.settimeout(0.5)
end = time.time() + seconds; n = 0
while time.time() < end and n < 5000:
    try: frame = s.recv(65535)
    except socket.timeout: continue
    eth = struct.unpack('!H', frame[12:14])[0]
    if eth == 0x0800:
        ihl = (frame[14] & 0xF) * 4
        if frame[23] != 17: continue
        udp = frame[14 + ihl:]
    elif eth == 0x86DD:
        if frame[20] != 17: continue
        udp = frame[54:]
    else: continue
    payload = udp[8:]
    if len(payload) < 12 or not (128 <= payload[0] <= 191): continue
    if 192 <= payload[1] <= 223: continue  # RTCP
    open(os.path.join(out, '%05d.bin' % n), 'wb').write(payload); n += 1
print('captured', n)
