package contracts

import (
	"slices"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/gm"
	"github.com/pdledger/pdledger/chaincode/model"
)

// ParticipantContract registers the parties and binds certificate identities to them.
type ParticipantContract struct {
	base
}

func init() { register("Participant", &ParticipantContract{}) }

const configID = "network"

const (
	ixRole    = "participant-role"     // role, participant
	ixUSCC    = "participant-uscc"     // role, uscc, participant
	ixBinding = "participant-identity" // participant, identity key
)

func normalizeKey(field, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	pub, err := gm.ParsePublicKey(s)
	if err != nil {
		return "", model.FieldErr(model.CodeBadFormat, field, "SM2 public key: PEM or 04||X||Y hex", "field %q: %v", field, err)
	}
	return pub.EncodeHex(), nil
}

// Bootstrap makes the caller's organization the bureau and registers the bureau as the
// first participant, bound to the caller. It runs once, and only for an admin identity:
// everything else on the ledger is authorized by the bureau it creates.
func (c *ParticipantContract) Bootstrap(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:Bootstrap", request, func(tx *Tx, req *model.BootstrapRequest) (model.Record, error) {
		var cfg model.NetworkConfig
		if ok, err := tx.GetIf(model.KindConfig, configID, &cfg); err != nil {
			return nil, err
		} else if ok {
			return nil, model.Errf(model.CodeAlreadyExists, "the ledger is bootstrapped already: the bureau is %s (%s)", cfg.BureauParticipant, cfg.BureauMSP)
		}
		caller, err := tx.Caller()
		if err != nil {
			return nil, err
		}
		if err := requireBureauAdmin(caller, "", "bootstrap this ledger"); err != nil {
			return nil, err
		}
		orgs, err := endorserOrgs(req.Orgs)
		if err != nil {
			return nil, err
		}
		if caller.NamesParticipant && caller.CertParticipant != req.ID {
			// the caller is bound to the bureau below: its certificate must be the bureau's
			return nil, model.RuleIdentityAttribute.ViolationField("id", caller.CertParticipant, "certificate %s names participant %q in its Fabric CA attribute %s; it cannot be bound to the bureau %q",
				caller.Subject, caller.CertParticipant, model.AttrParticipant, req.ID)
		}
		if !slices.Contains(orgs, caller.MSPID) {
			return nil, model.FieldErr(model.CodeBadFormat, "orgs", caller.MSPID, "the orgs must include the bureau's own %s", caller.MSPID)
		}
		tx.orgList = orgs // the records created below are owned from the first one on
		key, err := normalizeKey("sm2PublicKey", req.SM2PublicKey)
		if err != nil {
			return nil, err
		}
		p := &model.Participant{
			Meta: model.Meta{ID: req.ID, Kind: model.KindParticipant, Public: true},
			Role: model.RoleBureau, Name: req.Name, USCC: req.USCC, MSPID: caller.MSPID,
			SM2PublicKey: key, Status: model.StatusActive,
		}
		cfg = model.NetworkConfig{Meta: model.Meta{ID: configID, Kind: model.KindConfig, Public: true}, BureauMSP: caller.MSPID, BureauParticipant: p.ID, Orgs: orgs}
		if err := tx.Create(p, "registered"); err != nil {
			return nil, err
		}
		if err := indexParticipant(tx, p); err != nil {
			return nil, err
		}
		b := &model.IdentityBinding{
			Meta:  model.Meta{ID: caller.IdentityKey, Kind: model.KindIdentity},
			MSPID: caller.MSPID, Subject: caller.Subject, Issuer: caller.Issuer, KeyDigest: caller.KeyDigest, IdentityKey: caller.IdentityKey,
			Participant: p.ID, Status: model.StatusActive,
		}
		if err := tx.Create(b, "bound"); err != nil {
			return nil, err
		}
		if err := tx.Index(ixBinding, p.ID, b.ID); err != nil {
			return nil, err
		}
		if err := tx.Create(&cfg, "bootstrapped"); err != nil {
			return nil, err
		}
		tx.SetEventType(model.KindParticipant, "bootstrapped")
		return p, nil
	})
}

// requireBureauAdmin admits the caller to change the network itself (Bootstrap,
// SetOrgs): an admin identity, of bureauMSP when it is known (after the bootstrap). Who
// that is is part of each endorser's own configuration too (the network definition:
// Settings.BootstrapMSP and BootstrapAdmin), so nobody can race the bureau to the
// bootstrap, or change the org list, with another admin certificate. action completes
// "may ..." in the refusals.
func requireBureauAdmin(caller *Caller, bureauMSP, action string) error {
	if !caller.IsAdmin {
		return model.Errf(model.CodeAccessDenied, "only an admin identity of the bureau's organization may %s; %s (%s) is not an admin", action, caller.Subject, caller.MSPID)
	}
	if bureauMSP != "" && caller.MSPID != bureauMSP {
		return model.Errf(model.CodeAccessDenied, "only an admin of the bureau's organization %s may %s; the caller is of %s", bureauMSP, action, caller.MSPID)
	}
	if settings.BootstrapMSP != "" && caller.MSPID != settings.BootstrapMSP {
		return model.Errf(model.CodeAccessDenied, "only an admin of %s may %s; the caller is of %s", settings.BootstrapMSP, action, caller.MSPID)
	}
	if settings.BootstrapAdmin != "" && caller.CertSHA256 != settings.BootstrapAdmin {
		return model.Errf(model.CodeAccessDenied, "only the bureau admin named in the network definition (certificate SHA-256 %s) may %s; %s is another certificate (%s)",
			settings.BootstrapAdmin, action, caller.Subject, caller.CertSHA256)
	}
	return nil
}

// endorserOrgs returns a requested org list sorted, refused unless it is the list this
// endorser runs with (Settings.Orgs, when set): the ledger never records orgs its
// endorsers do not run.
func endorserOrgs(requested []string) ([]string, error) {
	orgs := append([]string(nil), requested...)
	sort.Strings(orgs)
	if len(settings.Orgs) > 0 && strings.Join(orgs, ",") != strings.Join(settings.Orgs, ",") {
		return nil, model.FieldErr(model.CodeAccessDenied, "orgs", strings.Join(settings.Orgs, ","), "the request names the orgs %s; this endorser's network has %s",
			strings.Join(orgs, ","), strings.Join(settings.Orgs, ","))
	}
	return orgs, nil
}

// SetOrgs records the channel's peer orgs after an org joined the channel or left it. The
// channel config update is the network's; this makes the ledger's list (NetworkConfig.Orgs)
// follow it, so that records created afterwards get policies that count the orgs now on
// the channel. The bureau's admin only (as for Bootstrap: requireBureauAdmin), bound to
// the bureau participant. The list must be the one this endorser runs with (its PDL_ORGS):
// every org's chaincode server is restarted with the new list before the call, and one
// still on the old list refuses to endorse it. It names the bureau's org and at least two
// orgs, and differs from the list on the ledger (ALREADY_EXISTS otherwise).
//
// Records created from this transaction on are owned under the new list (OwnerPolicy).
// Records that exist keep the key-level policy and creation marker they were created with:
// nothing is rewritten. A removed org's records stay as they are, its own and verifiable
// (their markers stay in its guard collection, which the chaincode definition keeps), and
// changing one still needs the endorsements its policy names. Only the network
// configuration itself takes the new list's policy (the bureau's org and a majority of the
// others), so the orgs now on the channel endorse its next change; this change is
// endorsed under its old one. The reason is kept on the configuration (OrgsReason), and
// every earlier list is a version of it (System:History).
func (c *ParticipantContract) SetOrgs(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:SetOrgs", request, func(tx *Tx, req *model.SetOrgsRequest) (model.Record, error) {
		var cfg model.NetworkConfig
		if err := tx.Get(model.KindConfig, configID, &cfg); err != nil {
			return nil, err
		}
		caller := tx.Who()
		if err := requireBureauAdmin(caller, cfg.BureauMSP, "set the ledger's org list"); err != nil {
			return nil, err
		}
		orgs, err := endorserOrgs(req.Orgs)
		if err != nil {
			return nil, err
		}
		if len(orgs) < 2 {
			return nil, model.FieldErr(model.CodeBadFormat, "orgs", "at least 2 MSP ids", "the channel has at least two peer orgs; the request names %s", strings.Join(orgs, ","))
		}
		if !slices.Contains(orgs, cfg.BureauMSP) {
			return nil, model.FieldErr(model.CodeBadFormat, "orgs", cfg.BureauMSP, "the orgs must include the bureau's own %s", cfg.BureauMSP)
		}
		if slices.Equal(orgs, cfg.Orgs) {
			return nil, model.FieldErr(model.CodeAlreadyExists, "orgs", "a list other than the ledger's", "the ledger's org list is %s already (unchanged since tx %s)", strings.Join(cfg.Orgs, ","), cfg.UpdatedTx)
		}
		cfg.Orgs, cfg.OrgsReason = orgs, req.Reason
		if err := tx.Update(&cfg, "orgs-set"); err != nil {
			return nil, err
		}
		tx.cfg, tx.orgList = &cfg, orgs // records created later in this transaction are owned under the new list
		if err := tx.setOwnerPolicy(model.KindConfig, configID, tx.Key(model.KindConfig, configID), cfg.BureauMSP, orgs); err != nil {
			return nil, err
		}
		return &cfg, nil
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

func indexParticipant(tx *Tx, p *model.Participant) error {
	if err := tx.Index(ixRole, string(p.Role), p.ID); err != nil {
		return err
	}
	return tx.Index(ixUSCC, string(p.Role), p.USCC, p.ID)
}

// Register records a party (bureau only).
func (c *ParticipantContract) Register(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:Register", request, func(tx *Tx, req *model.RegisterParticipantRequest) (model.Record, error) {
		if req.Role == model.RoleBureau {
			return nil, model.FieldErr(model.CodeBadEnum, "role", "not bureau", "there is one bureau, registered by Bootstrap; register other roles")
		}
		dups, err := tx.ScanIDs(ixUSCC, string(req.Role), req.USCC)
		if err != nil {
			return nil, err
		}
		if len(dups) > 0 {
			return nil, model.FieldErr(model.CodeAlreadyExists, "uscc", "", "a %s with 统一社会信用代码 %s is registered already as %s", req.Role, req.USCC, dups[0])
		}
		key, err := normalizeKey("sm2PublicKey", req.SM2PublicKey)
		if err != nil {
			return nil, err
		}
		p := &model.Participant{
			Meta: model.Meta{ID: req.ID, Kind: model.KindParticipant, Public: true},
			Role: req.Role, Name: req.Name, USCC: req.USCC, MSPID: req.MSPID,
			SM2PublicKey: key, Status: model.StatusActive,
		}
		if err := tx.Create(p, "registered"); err != nil {
			return nil, err
		}
		return p, indexParticipant(tx, p)
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

// BindIdentity lets a certificate act for a participant (bureau only). The certificate's
// MSP must be the participant's; a certificate the request carries must not name another
// participant in its Fabric CA attribute (RuleIdentityAttribute; Tx.Caller holds every
// certificate to its attribute whether or not the request carried it).
func (c *ParticipantContract) BindIdentity(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:BindIdentity", request, func(tx *Tx, req *model.BindIdentityRequest) (model.Record, error) {
		var p model.Participant
		if err := tx.GetField(model.KindParticipant, req.Participant, "participant", &p); err != nil {
			return nil, err
		}
		if p.MSPID != req.MSPID {
			return nil, model.FieldErr(model.CodeAccessDenied, "mspId", p.MSPID, "participant %s belongs to MSP %s; an identity of %s cannot act for it", p.ID, p.MSPID, req.MSPID)
		}
		named, found, err := req.CertParticipant()
		if err != nil {
			return nil, model.FieldErr(model.CodeBadFormat, "certificate", "", "field %q: %v", "certificate", err)
		}
		if found && named != p.ID {
			return nil, model.RuleIdentityAttribute.ViolationField("participant", named, "certificate %s names participant %q in its Fabric CA attribute %s; it cannot be bound to %s",
				req.Subject, named, model.AttrParticipant, p.ID)
		}
		key := model.IdentityKey(req.MSPID, req.Subject, req.Issuer, req.KeyDigest)
		var b model.IdentityBinding
		ok, err := tx.GetIf(model.KindIdentity, key, &b)
		if err != nil {
			return nil, err
		}
		if ok && b.Participant != p.ID && b.Status == model.StatusActive {
			return nil, model.FieldErr(model.CodeAlreadyExists, "subject", "", "identity %s is bound to %s already; unbind it first", req.Subject, b.Participant)
		}
		if ok {
			if b.Participant != p.ID {
				_ = tx.Unindex(ixBinding, b.Participant, key)
			}
			b.Participant, b.Status = p.ID, model.StatusActive
			if err := tx.Update(&b, "bound"); err != nil {
				return nil, err
			}
		} else {
			b = model.IdentityBinding{
				Meta:  model.Meta{ID: key, Kind: model.KindIdentity},
				MSPID: req.MSPID, Subject: req.Subject, Issuer: req.Issuer, KeyDigest: req.KeyDigest, IdentityKey: key,
				Participant: p.ID, Status: model.StatusActive,
			}
			if err := tx.Create(&b, "bound"); err != nil {
				return nil, err
			}
		}
		return &b, tx.Index(ixBinding, p.ID, key)
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

// UnbindIdentity stops a certificate from acting for its participant (bureau only).
func (c *ParticipantContract) UnbindIdentity(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:UnbindIdentity", request, func(tx *Tx, req *model.UnbindIdentityRequest) (model.Record, error) {
		var b model.IdentityBinding
		if err := tx.GetField(model.KindIdentity, req.IdentityKey, "identityKey", &b); err != nil {
			return nil, err
		}
		b.Status = model.StatusSuspended
		return &b, tx.Update(&b, "unbound")
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

// SetStatus suspends or reactivates a participant (bureau only). A suspended participant
// may read public records only.
func (c *ParticipantContract) SetStatus(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:SetStatus", request, func(tx *Tx, req *model.SetParticipantStatusRequest) (model.Record, error) {
		caller := tx.Who()
		var p model.Participant
		if err := tx.GetField(model.KindParticipant, req.Participant, "participant", &p); err != nil {
			return nil, err
		}
		if p.ID == caller.PID() {
			return nil, model.FieldErr(model.CodeAccessDenied, "participant", "", "the bureau cannot change its own status")
		}
		if p.Status == model.StatusBlacklisted && p.BlacklistedUntil > model.DateOf(tx.Now) {
			// Any status change would lift the ban early (suspended, then active).
			return nil, model.RuleBlacklistedNotAuthorized.Violation("participant %s is blacklisted until %s; its status cannot change before then", p.ID, p.BlacklistedUntil)
		}
		p.Status, p.StatusReason = req.Status, req.Reason
		if req.Status == model.StatusActive {
			p.BlacklistedUntil = ""
		}
		return &p, tx.Update(&p, string(req.Status))
	}, withBootstrapped(), withRoleRule(model.RuleBureauOnlyRegisters, model.RoleBureau))
}

// SetKey registers or rotates a participant's SM2 public key: by the bureau, or by the
// participant itself.
func (c *ParticipantContract) SetKey(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Write(ctx, "Participant:SetKey", request, func(tx *Tx, req *model.SetKeyRequest) (model.Record, error) {
		caller := tx.Who()
		if !caller.Is(model.RoleBureau) && caller.PID() != req.Participant {
			return nil, model.RuleBureauOnlyRegisters.Violation("%s may set only its own key, not %s's", caller.PID(), req.Participant)
		}
		var p model.Participant
		if err := tx.GetField(model.KindParticipant, req.Participant, "participant", &p); err != nil {
			return nil, err
		}
		key, err := normalizeKey("sm2PublicKey", req.SM2PublicKey)
		if err != nil {
			return nil, err
		}
		p.SM2PublicKey = key
		return &p, tx.Update(&p, "key-set")
	}, withRoles())
}

// Get returns a participant (public).
func (c *ParticipantContract) Get(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Participant:Get", request, func(tx *Tx, req *model.Ref) (any, error) {
		return readRecord[model.Participant](tx, model.KindParticipant, req.ID)
	})
}

// List returns participants, optionally of one role, ordered by id (public).
func (c *ParticipantContract) List(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Participant:List", request, func(tx *Tx, req *model.ListParticipantsRequest) (any, error) {
		var prefix []string
		if req.Role != "" {
			prefix = []string{string(req.Role)}
		}
		return pagedRecords[model.Participant](tx, model.KindParticipant, ixRole, prefix, req.Page, nil)
	})
}

// WhoAmI tells the caller how the ledger sees it.
func (c *ParticipantContract) WhoAmI(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Participant:WhoAmI", request, func(tx *Tx, _ *model.Empty) (any, error) {
		caller, err := tx.Caller()
		if err != nil {
			return nil, err
		}
		return model.WhoAmI{
			MSPID: caller.MSPID, Subject: caller.Subject, Issuer: caller.Issuer, IdentityKey: caller.IdentityKey,
			Bound: caller.Binding != nil, Participant: caller.Participant, Active: caller.Active(),
		}, nil
	})
}

// Config returns the network configuration written by Bootstrap, its org list as
// SetOrgs last set it (public).
func (c *ParticipantContract) Config(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return Read(ctx, "Participant:Config", request, func(tx *Tx, _ *model.Empty) (any, error) {
		var cfg model.NetworkConfig
		if err := tx.Get(model.KindConfig, configID, &cfg); err != nil {
			return nil, model.Errf(model.CodeNotBootstrap, "the ledger has no bureau yet")
		}
		return &cfg, nil
	})
}
