package model

// The authorization chain, from the catalogue to the grant a product is made under:
// resources, authorizations, partners, data-use applications and grants.
func init() {
	RegisterFuncs(
		W[RegisterResourceRequest, Resource]("Resource:Register", "register a public data resource of the calling source unit"),
		W[UpdateResourceRequest, Resource]("Resource:Update", "state a new content version of an own resource (old version kept)"),
		W[ProposeCatalogueRequest, Resource]("Resource:ProposeCatalogue", "propose a resource for the authorized-operation catalogue (bureau)"),
		W[AnswerCatalogueRequest, Resource]("Resource:AnswerCatalogue", "agree to or refuse (with reasons) catalogue inclusion (source or contributing unit)"),
		R[Ref, Resource]("Resource:Get", "one resource"),
		R[ResourcesRequest, PageResult[*Resource]]("Resource:List", "resources by source unit and catalogue status"),
		R[Ref, ResourceRevision]("Resource:Revision", "a superseded content version (<resource>:v<n>)"),

		W[CreateAuthorizationRequest, Authorization]("Authorization:Create", "publicize a candidate authorization (bureau)"),
		W[SignAuthorizationRequest, Authorization]("Authorization:Sign", "sign the agreement as bureau or operator (SM2 where the profile requires)"),
		W[FileAuthorizationRequest, Authorization]("Authorization:File", "record the filing (备案) of the signed agreement (bureau)"),
		W[SuspendAuthorizationRequest, Authorization]("Authorization:Suspend", "suspend an active authorization (bureau)"),
		W[ResumeAuthorizationRequest, Authorization]("Authorization:Resume", "lift a suspension (bureau)"),
		W[TerminateAuthorizationRequest, Authorization]("Authorization:Terminate", "terminate on a ground the policy documents name (bureau)"),
		W[ExitNoticeRequest, Authorization]("Authorization:ExitNotice", "give notice of a voluntary exit (operator)"),
		W[DecideExitRequest, Authorization]("Authorization:DecideExit", "approve or refuse a voluntary exit where the profile needs it (bureau)"),
		W[RenewAuthorizationRequest, Authorization]("Authorization:Renew", "apply for renewal inside the window (operator)"),
		W[DecideRenewalRequest, Authorization]("Authorization:DecideRenewal", "approve or refuse the pending renewal (bureau)"),
		W[ConfirmDeletionRequest, Authorization]("Authorization:ConfirmDeletion", "confirm data deletion after the end (operator)"),
		W[FileEmergencyPlanRequest, EmergencyPlan]("Authorization:FileEmergencyPlan", "file or revise the one emergency plan (operator)"),
		R[Ref, Authorization]("Authorization:Get", "one authorization (due effects applied in the answer)"),
		R[AuthorizationsRequest, PageResult[*Authorization]]("Authorization:List", "authorizations by operator and status"),
		R[ByResourceRequest, PageResult[*Authorization]]("Authorization:ByResource", "authorizations whose scope holds a resource"),
		R[PageRequest, PageResult[OverdueItem]]("Authorization:Overdue", "filings and deletions past their deadline"),
		R[Ref, EmergencyPlan]("Authorization:EmergencyPlan", "one emergency plan"),

		W[OnboardPartnerRequest, Partnership]("Partner:Onboard", "file a partner's onboarding under an authorization (operator)"),
		W[ExitPartnerRequest, Partnership]("Partner:Exit", "file a partner's exit (operator)"),
		R[Ref, Partnership]("Partner:Get", "one partnership"),
		R[PartnershipsRequest, []*Partnership]("Partner:List", "partnerships of an authorization or a partner"),

		W[SubmitApplicationRequest, Application]("Application:Submit", "submit a data-use application (operator or partner)"),
		W[ReviewApplicationRequest, Application]("Application:Review", "decide your open review step (operator, bureau, source unit)"),
		R[Ref, Application]("Application:Get", "one application"),
		R[ApplicationsRequest, PageResult[*Application]]("Application:List", "applications by operator and status"),
		R[ByResourceRequest, PageResult[*Application]]("Application:ByResource", "applications asking for a resource"),
		R[PageRequest, PageResult[OverdueItem]]("Application:Overdue", "review steps past their deadline"),
		W[RevokeGrantRequest, Grant]("Grant:Revoke", "revoke a grant (bureau)"),
		R[Ref, Grant]("Grant:Get", "one grant"),
		R[ByResourceRequest, PageResult[*Grant]]("Grant:ByResource", "grants covering a resource"),
	)
}
