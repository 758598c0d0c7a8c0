# Exact finite-N check of the effective-rank theory, without the simulator or its estimators:
# PR/N of C = (1-J)^-1 (1-J)^-T averaged over realizations of J (numpy RNG, same spectra as the presets).
#   python3 docs/validation/random_mode_rank/exact_inverse_check.py   (~5 min on 2 cores)
import numpy as np
g=0.4
def spec(kind,x,N,r=0.1):
    P=N;a=np.arange(1,P+1)
    if kind=='pl': d=a**(-x)
    elif kind=='ex': d=np.exp(-x*a/P)
    else: ps=min(P,max(1,int(np.floor(x*P+0.5)))); d=np.where(a<=ps,1.0,r)
    return d*g*np.sqrt(N/np.sum(d**2))
rng=np.random.default_rng(3)
for N in [100,400]:
  for kind,x in [('pl',0.3),('pl',0.5),('pl',0.7),('ex',20),('tv',0.05)]:
    d=spec(kind,x,N); pr=np.sum(d**2)**2/np.sum(d**4); kap=g**4*N/pr; th=(1-g*g)**2/(1+kap)
    v=[];R=200 if N==100 else 40
    for r in range(R):
        U=rng.standard_normal((N,N))/np.sqrt(N); W=rng.standard_normal((N,N))/np.sqrt(N)
        M=np.eye(N)-(U*d)@W.T; A=np.linalg.inv(M); C=A@A.T
        v.append(np.trace(C)**2/np.sum(C*C)/N)
    v=np.array(v); print(N,kind,x,'kappa %.3f exact-inverse PR/N %.4f +- %.4f theory %.4f diff %.4f'%(kap,v.mean(),v.std()/np.sqrt(R),th,v.mean()-th),flush=True)
