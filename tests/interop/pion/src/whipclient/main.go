// whipclient: pion/webrtc v3 as a WHIP client (RFC 9725) of an echo server (echo-peer).
//
// Built offline in GOPATH mode against Debian's golang-github-pion-webrtc.v3-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode:<this dir's ../..> go build -o whipclient whipclient
//
// POSTs a non-trickle offer with one DataChannel and (unless -no-media) an Opus and a VP8 track
// fed with synthetic but decodable RTP (Opus silence frames, a 64x64 VP8 key frame with a
// running picture id), then checks:
//  1. -messages binary messages come back intact and in order,
//  2. text messages come back as text,
//  3. -bulk-bytes in 16 KiB messages come back byte-identical (SHA-256 of the stream),
//  4. echoed RTP arrives on both tracks (-identical-payloads: every echoed payload is one we sent),
//  5. -check-feedback: a PLI and a NACK that pion sends about the echoed video come back to pion's
//     own video sender (a forwarding echo maps feedback to the stream's source, same sequence
//     number),
//  6. DELETE on the Location answers 200.
//
// Prints one JSON object on stdout; exit status 0 only if every check passed.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v3"
)

// A 64x64 VP8 key frame as one RTP payload (VP8 payload descriptor with a 15-bit picture id at
// bytes 2..3), produced once by libvpx through aiortc's Vp8Encoder.
const vp8KeyFramePayload = "90808bc65003009d012a40004000390300001c2216162266122004904000ce0785b9d45c4b611180fefc2810"

// An Opus packet: TOC config 31 (CELT FB 20 ms), one frame, silence.
var opusSilence = []byte{0xf8, 0xff, 0xfe}

const bulkChunk = 16 * 1024

type result struct {
	Peer               string   `json:"peer"`
	OK                 bool     `json:"ok"`
	Errors             []string `json:"errors"`
	PostStatus         int      `json:"post_status,omitempty"`
	Location           string   `json:"location,omitempty"`
	ConnectMs          float64  `json:"connect_ms,omitempty"`
	MessagesEchoed     int      `json:"messages_echoed"`
	StringsEchoed      int      `json:"strings_echoed"`
	BulkBytes          int      `json:"bulk_bytes"`
	BulkEchoMbps       float64  `json:"bulk_echo_mbps,omitempty"`
	RttMsP50           float64  `json:"rtt_ms_p50,omitempty"`
	RttMsP99           float64  `json:"rtt_ms_p99,omitempty"`
	AudioPacketsSent   int      `json:"audio_packets_sent"`
	VideoPacketsSent   int      `json:"video_packets_sent"`
	AudioPacketsEchoed int      `json:"audio_packets_echoed"`
	VideoPacketsEchoed int      `json:"video_packets_echoed"`
	ForeignPayloads    int      `json:"foreign_payloads"`
	PLIReceived        int      `json:"pli_received_by_sender"`
	NackForEchoedSeq   bool     `json:"nack_for_echoed_seq_received"`
	DeleteStatus       int      `json:"delete_status,omitempty"`
	mu                 sync.Mutex
}

func (r *result) fail(format string, a ...interface{}) {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(os.Stderr, "FAIL:", msg)
	r.mu.Lock()
	r.Errors = append(r.Errors, msg)
	r.mu.Unlock()
}

func message(seq int) []byte {
	size := 1 + (seq*37)%2048
	m := make([]byte, 4+size)
	binary.BigEndian.PutUint32(m, uint32(seq))
	rand.New(rand.NewSource(int64(seq))).Read(m[4:])
	return m
}

type media struct {
	mu       sync.Mutex
	sent     map[string]bool // payloads we sent (hex)
	echoed   map[webrtc.RTPCodecType]int
	foreign  int
	gotAudio chan struct{}
	gotVideo chan struct{}
	once     [2]sync.Once
	// Feedback checks (video).
	echoedVideoSSRC uint32
	firstVideoSeq   *uint16
	plis            int
	nacked          map[uint16]bool
}

func loopbackAPI() (*webrtc.API, error) {
	var s webrtc.SettingEngine
	s.SetIncludeLoopbackCandidate(true)
	s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(s), webrtc.WithMediaEngine(m),
		webrtc.WithInterceptorRegistry(reg)), nil
}

func main() {
	whipURL := flag.String("url", "", "WHIP endpoint, http://127.0.0.1:8080/whip")
	messages := flag.Int("messages", 1000, "ordered binary messages")
	strs := flag.Int("strings", 10, "text messages")
	bulkBytes := flag.Int("bulk-bytes", 8<<20, "bytes in the bulk phase")
	noMedia := flag.Bool("no-media", false, "DataChannel only")
	identical := flag.Bool("identical-payloads", false, "every echoed RTP payload must be one we sent (a forwarding echo)")
	feedback := flag.Bool("check-feedback", false, "PLI/NACK about the echoed video must reach our video sender")
	minPackets := flag.Int("min-packets", 10, "echoed RTP packets wanted per kind")
	timeout := flag.Duration("timeout", 60*time.Second, "overall limit")
	flag.Parse()
	res := &result{Peer: "pion/webrtc v3.1.56", Errors: []string{}}
	done := make(chan struct{})
	go func() {
		run(res, *whipURL, *messages, *strs, *bulkBytes, *noMedia, *identical, *feedback, *minPackets)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(*timeout):
		res.fail("overall timeout %v", *timeout)
	}
	res.mu.Lock()
	res.OK = len(res.Errors) == 0
	out, _ := json.Marshal(res)
	res.mu.Unlock()
	fmt.Println(string(out))
	if !res.OK {
		os.Exit(1)
	}
}

func httpDo(method, u string, body []byte, ctype string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

func run(res *result, whipURL string, messages, strs, bulkBytes int, noMedia, identical, feedback bool, minPackets int) {
	api, err := loopbackAPI()
	if err != nil {
		res.fail("api: %v", err)
		return
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		res.fail("NewPeerConnection: %v", err)
		return
	}
	defer pc.Close()
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		fmt.Fprintln(os.Stderr, "connection state", s)
	})
	dc, err := pc.CreateDataChannel("echo", nil)
	if err != nil {
		res.fail("CreateDataChannel: %v", err)
		return
	}
	inbox := make(chan webrtc.DataChannelMessage, 4096)
	opened := make(chan struct{})
	dc.OnOpen(func() { close(opened) })
	dc.OnMessage(func(m webrtc.DataChannelMessage) { inbox <- m })

	md := &media{sent: map[string]bool{}, echoed: map[webrtc.RTPCodecType]int{},
		gotAudio: make(chan struct{}), gotVideo: make(chan struct{}), nacked: map[uint16]bool{}}
	var audio, video *webrtc.TrackLocalStaticRTP
	if !noMedia {
		audio, _ = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "pion")
		video, _ = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "pion")
		for _, t := range []*webrtc.TrackLocalStaticRTP{audio, video} {
			sender, err := pc.AddTrack(t)
			if err != nil {
				res.fail("AddTrack: %v", err)
				return
			}
			isVideo := t == video
			go func() { // drain RTCP so the interceptors run; note feedback about our video
				buf := make([]byte, 1500)
				for {
					n, _, err := sender.Read(buf)
					if err != nil {
						return
					}
					if !isVideo {
						continue
					}
					pkts, err := rtcp.Unmarshal(buf[:n])
					if err != nil {
						continue
					}
					md.mu.Lock()
					for _, p := range pkts {
						switch p := p.(type) {
						case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
							md.plis++
						case *rtcp.TransportLayerNack:
							for _, pair := range p.Nacks {
								for _, seq := range pair.PacketList() {
									md.nacked[seq] = true
								}
							}
						}
					}
					md.mu.Unlock()
				}
			}()
		}
		pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
			fmt.Fprintln(os.Stderr, "remote track", t.Kind(), t.Codec().MimeType)
			for {
				p, _, err := t.ReadRTP()
				if err != nil {
					return
				}
				md.mu.Lock()
				if identical && !md.sent[hex.EncodeToString(p.Payload)] {
					md.foreign++
				}
				md.echoed[t.Kind()]++
				n := md.echoed[t.Kind()]
				if t.Kind() == webrtc.RTPCodecTypeVideo && md.firstVideoSeq == nil {
					seq := p.SequenceNumber
					md.firstVideoSeq = &seq
					md.echoedVideoSSRC = uint32(t.SSRC())
				}
				md.mu.Unlock()
				if n >= minPackets {
					idx := 0
					ch := md.gotAudio
					if t.Kind() == webrtc.RTPCodecTypeVideo {
						idx, ch = 1, md.gotVideo
					}
					md.once[idx].Do(func() { close(ch) })
				}
			}
		})
	}

	t0 := time.Now()
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		res.fail("CreateOffer: %v", err)
		return
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		res.fail("SetLocalDescription: %v", err)
		return
	}
	<-gathered
	status, hdr, body, err := httpDo("POST", whipURL, []byte(pc.LocalDescription().SDP), "application/sdp")
	res.PostStatus = status
	if err != nil || status != 201 {
		res.fail("POST %s: %d %v %.200q", whipURL, status, err, body)
		return
	}
	if !strings.HasPrefix(hdr.Get("Content-Type"), "application/sdp") {
		res.fail("answer Content-Type %q", hdr.Get("Content-Type"))
	}
	res.Location = hdr.Get("Location")
	if res.Location == "" {
		res.fail("201 without Location")
	}
	if !strings.Contains(string(body), "a=candidate:") {
		res.fail("answer carries no candidate")
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
		res.fail("SetRemoteDescription: %v", err)
		return
	}
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		res.fail("DataChannel did not open in 10 s (connection %s)", pc.ConnectionState())
		return
	}
	res.ConnectMs = float64(time.Since(t0).Microseconds()) / 1000

	stopMedia := make(chan struct{})
	defer close(stopMedia)
	if !noMedia {
		go sendMedia(res, md, audio, video, stopMedia)
	}

	// 1. Ordered binary echo, 64 in flight.
	var rtts []float64
	sentAt := map[int]time.Time{}
	next := 0
	for seq := 0; seq < messages; seq++ {
		for next < messages && next < seq+64 {
			sentAt[next] = time.Now()
			if err := dc.Send(message(next)); err != nil {
				res.fail("Send: %v", err)
				return
			}
			next++
		}
		select {
		case m := <-inbox:
			if m.IsString {
				res.fail("message %d came back as text", seq)
				return
			}
			if !bytes.Equal(m.Data, message(seq)) {
				res.fail("message %d: wrong echo (len %d)", seq, len(m.Data))
				return
			}
			rtts = append(rtts, float64(time.Since(sentAt[seq]).Microseconds())/1000)
			delete(sentAt, seq)
		case <-time.After(10 * time.Second):
			res.fail("message %d: no echo in 10 s", seq)
			return
		}
	}
	res.MessagesEchoed = messages
	sort.Float64s(rtts)
	if len(rtts) > 0 {
		res.RttMsP50, res.RttMsP99 = rtts[len(rtts)/2], rtts[len(rtts)*99/100]
	}

	// 2. Text stays text.
	for i := 0; i < strs; i++ {
		if err := dc.SendText(fmt.Sprintf("text %d \u00e9\u4e2d", i)); err != nil {
			res.fail("SendText: %v", err)
			return
		}
	}
	for i := 0; i < strs; i++ {
		select {
		case m := <-inbox:
			if !m.IsString || string(m.Data) != fmt.Sprintf("text %d \u00e9\u4e2d", i) {
				res.fail("string %d: got %v %.60q", i, m.IsString, m.Data)
				return
			}
		case <-time.After(10 * time.Second):
			res.fail("string %d: no echo", i)
			return
		}
	}
	res.StringsEchoed = strs

	// 3. Bulk.
	if bulkBytes > 0 {
		if err := bulk(dc, inbox, bulkBytes, res); err != nil {
			res.fail("bulk: %v", err)
			return
		}
	}

	// 4. Echoed media.
	if !noMedia {
		for _, w := range []struct {
			kind string
			ch   chan struct{}
		}{{"audio", md.gotAudio}, {"video", md.gotVideo}} {
			select {
			case <-w.ch:
			case <-time.After(15 * time.Second):
				res.fail("%s: fewer than %d echoed RTP packets in 15 s", w.kind, minPackets)
			}
		}
		md.mu.Lock()
		res.AudioPacketsEchoed = md.echoed[webrtc.RTPCodecTypeAudio]
		res.VideoPacketsEchoed = md.echoed[webrtc.RTPCodecTypeVideo]
		res.ForeignPayloads = md.foreign
		md.mu.Unlock()
		if res.ForeignPayloads > 0 {
			res.fail("%d echoed RTP payloads were never sent", res.ForeignPayloads)
		}
		if feedback {
			checkFeedback(res, pc, md)
		}
	}

	// 5. DELETE.
	if res.Location != "" {
		base, _ := url.Parse(whipURL)
		loc, _ := base.Parse(res.Location)
		status, _, body, err := httpDo("DELETE", loc.String(), nil, "")
		res.DeleteStatus = status
		if err != nil || status != 200 {
			res.fail("DELETE %s: %d %v %.200q", res.Location, status, err, body)
		}
	}
}

func bulk(dc *webrtc.DataChannel, inbox chan webrtc.DataChannelMessage, total int, res *result) error {
	rng := rand.New(rand.NewSource(7))
	sentHash, recvHash := sha256.New(), sha256.New()
	low := make(chan struct{}, 1)
	dc.SetBufferedAmountLowThreshold(512 * 1024)
	dc.OnBufferedAmountLow(func() {
		select {
		case low <- struct{}{}:
		default:
		}
	})
	start := time.Now()
	recvDone := make(chan error, 1)
	go func() {
		got := 0
		for got < total {
			select {
			case m := <-inbox:
				recvHash.Write(m.Data)
				got += len(m.Data)
			case <-time.After(20 * time.Second):
				recvDone <- fmt.Errorf("%d of %d bytes echoed", got, total)
				return
			}
		}
		recvDone <- nil
	}()
	chunk := make([]byte, bulkChunk)
	for sent := 0; sent < total; {
		n := bulkChunk
		if total-sent < n {
			n = total - sent
		}
		rng.Read(chunk[:n])
		sentHash.Write(chunk[:n])
		if err := dc.Send(append([]byte(nil), chunk[:n]...)); err != nil {
			return err
		}
		sent += n
		for dc.BufferedAmount() > 2<<20 {
			select {
			case <-low:
			case <-time.After(20 * time.Second):
				return errors.New("send buffer never drained")
			}
		}
	}
	if err := <-recvDone; err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	if !bytes.Equal(sentHash.Sum(nil), recvHash.Sum(nil)) {
		return errors.New("echoed stream differs")
	}
	res.BulkBytes = total
	res.BulkEchoMbps = float64(total) * 8 / secs / 1e6
	return nil
}

func sendMedia(res *result, md *media, audio, video *webrtc.TrackLocalStaticRTP, stop chan struct{}) {
	key, _ := hex.DecodeString(vp8KeyFramePayload)
	var aseq, vseq uint16
	var ats, vts uint32
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		ap := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: aseq, Timestamp: ats, Marker: aseq == 0},
			Payload: opusSilence}
		aseq++
		ats += 960
		md.mu.Lock()
		md.sent[hex.EncodeToString(ap.Payload)] = true
		md.mu.Unlock()
		if err := audio.WriteRTP(ap); err == nil {
			res.AudioPacketsSent++
		}
		if i%2 == 0 { // 25 fps video: every frame a key frame, picture id running
			pid := uint16(i/2) & 0x7fff
			payload := append([]byte(nil), key...)
			payload[2] = 0x80 | byte(pid>>8)
			payload[3] = byte(pid)
			vp := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: vseq, Timestamp: vts, Marker: true},
				Payload: payload}
			vseq++
			vts += 3600
			md.mu.Lock()
			md.sent[hex.EncodeToString(payload)] = true
			md.mu.Unlock()
			if err := video.WriteRTP(vp); err == nil {
				res.VideoPacketsSent++
			}
		}
	}
}

// checkFeedback sends a PLI and a NACK about the echoed video and waits for both to reach our own
// video sender: the echo must map feedback about the stream it forwards back to the source.
func checkFeedback(res *result, pc *webrtc.PeerConnection, md *media) {
	md.mu.Lock()
	if md.firstVideoSeq == nil {
		md.mu.Unlock()
		res.fail("feedback: no echoed video to ask about")
		return
	}
	seq, ssrc := *md.firstVideoSeq, md.echoedVideoSSRC
	md.mu.Unlock()
	err := pc.WriteRTCP([]rtcp.Packet{
		&rtcp.PictureLossIndication{MediaSSRC: ssrc},
		&rtcp.TransportLayerNack{MediaSSRC: ssrc, Nacks: []rtcp.NackPair{{PacketID: seq}}},
	})
	if err != nil {
		res.fail("feedback: WriteRTCP: %v", err)
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		md.mu.Lock()
		res.PLIReceived, res.NackForEchoedSeq = md.plis, md.nacked[seq]
		md.mu.Unlock()
		if res.PLIReceived > 0 && res.NackForEchoedSeq {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	res.fail("feedback: PLI received %d, NACK for seq %d received %v, within 5 s", res.PLIReceived, seq, res.NackForEchoedSeq)
}
