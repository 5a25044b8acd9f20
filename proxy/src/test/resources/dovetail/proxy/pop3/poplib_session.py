# A POP3 session with Python's poplib (a real client): prints one JSON object with what the server showed.
# Usage: python3 poplib_session.py HOST PORT USER PASSWORD
import hashlib, json, poplib, sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
p = poplib.POP3(host, port, timeout=60)
p.user(user)
p.pass_(password)
count, size = p.stat()
listing = [l.decode() for l in p.list()[1]]
uidls = [l.decode() for l in p.uidl()[1]]
retr, top = [], []
for n in range(1, count + 1):
    lines = p.retr(n)[1]  # poplib undoes dot-stuffing and strips line ends
    retr.append(hashlib.sha256(b"".join(l + b"\r\n" for l in lines)).hexdigest())
    top.append([l.decode("latin-1") for l in p.top(n, 0)[1]])
p.quit()
print(json.dumps({"stat": [count, size], "list": listing, "uidl": uidls, "retr": retr, "top": top}))
