import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { startHarness } from '../helpers/gatewayHarness';

describe('authorization directives for a router', () => {
  it('declares @authenticated and @requiresScopes with the configured start and stop scopes, and they compose into the supergraph', async () => {
    const h = await startHarness({ maxAttempts: 1, env: { AUTH_START_SCOPE: 'campaigns:launch', AUTH_STOP_SCOPE: 'campaigns:halt' } });
    try {
      const res = await h.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
      const sdl = res.body.data?._service.sdl ?? '';
      // Nullable results (no `!`), each with its action's scope.
      expect(sdl).toMatch(/startCampaign\([^)]*\): StartCampaignResult @requiresScopes\(scopes: \[\["campaigns:launch"\]\]\)/);
      expect(sdl).toMatch(/resumeCampaign\([^)]*\): ResumeCampaignResult @requiresScopes\(scopes: \[\["campaigns:launch"\]\]\)/);
      expect(sdl).toMatch(/pauseCampaign\([^)]*\): PauseCampaignResult @requiresScopes\(scopes: \[\["campaigns:halt"\]\]\)/);
      expect(sdl).toMatch(/stopCampaign\([^)]*\): StopCampaignResult @requiresScopes\(scopes: \[\["campaigns:halt"\]\]\)/);
      expect(sdl).toMatch(/type Campaign\s+@key\(fields: "id"\)\s+@authenticated/);
      const { supergraphSdl, errors } = composeServices([{ name: 'campaigns', url: h.url, typeDefs: parse(sdl) }]);
      expect(errors).toBeUndefined();
      expect(supergraphSdl).toContain('@requiresScopes(scopes: [["campaigns:launch"]])');
      expect(supergraphSdl).toContain('@requiresScopes(scopes: [["campaigns:halt"]])');
      expect(supergraphSdl).toMatch(/type Campaign[^{]*@authenticated/);
    } finally {
      await h.close();
    }
  });
});

describe('SCHEMA_AUTH_DIRECTIVES=off, for @apollo/gateway supergraphs', () => {
  it('publishes no security directives, so the composed supergraph has no SECURITY feature for the JS gateway to refuse', async () => {
    const h = await startHarness({ maxAttempts: 1, env: { SCHEMA_AUTH_DIRECTIVES: 'off' } });
    try {
      const res = await h.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }');
      const sdl = res.body.data?._service.sdl ?? '';
      // (federation v2.7 still defines @federation__authenticated; what matters is that nothing uses it)
      expect(sdl).not.toMatch(/@authenticated|@requiresScopes|"@authenticated"|"@requiresScopes"/);
      expect(sdl).toContain('@key(fields: "id")');
      const { errors, supergraphSdl } = composeServices([{ name: 'campaigns', url: h.url, typeDefs: parse(sdl) }]);
      expect(errors).toBeUndefined();
      expect(supergraphSdl).not.toContain('for: SECURITY');
    } finally {
      await h.close();
    }
  });
});
